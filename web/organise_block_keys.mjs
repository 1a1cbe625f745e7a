// The keyboard's way to do what organise_drag.mjs does with a pointer, on a focused session
// block of the timeline: ArrowUp / ArrowDown move it 5 minutes earlier / later, Shift with
// them makes it 5 minutes shorter / longer. The change waits on the block, shown as a drag
// is and announced by the caller, until Enter previews it through the same onMove /
// onResize (the API's dry run, nothing stored before the confirm) or Escape drops it.
//
// The pending change is the caller's to keep (`pending` in, `onPending` out): the timeline
// is rebuilt on every agenda change and every 30 s, and a change being made must survive
// that. Leaving the session (focus elsewhere) drops it. onPending(pending, why) says why it
// changed: 'key' (an arrow or Escape: worth announcing), 'proposed' (Enter) or 'left'.

const STEP_MINUTES = 5;

// `item`: the positioned <li>; `block`: its button. `pending`: {kind: 'move'|'resize',
// delta} carried over from before a rebuild, or null. `minResize`: the smallest length
// change allowed (a session keeps 5 minutes). `label(kind, delta)` as for enableDrag.
export function enableBlockKeys({ item, block, pending, canMove, minResize, label, onPending, onMove, onResize }) {
  let current = pending;

  function show() {
    if (current) {
      item.dataset.dragging = 'true';
      item.dataset.dragLabel = label(current.kind, current.delta);
    } else {
      delete item.dataset.dragging;
      delete item.dataset.dragLabel;
    }
  }

  function set(next, why) {
    current = next;
    show();
    onPending(current, why);
  }

  block.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      const kind = event.shiftKey ? 'resize' : 'move';
      if (kind === 'move' && !canMove()) return;
      // The page does not scroll under a session being moved.
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? STEP_MINUTES : -STEP_MINUTES;
      let delta = (current?.kind === kind ? current.delta : 0) + step;
      if (kind === 'resize') delta = Math.max(minResize, delta);
      set(delta === 0 ? null : { kind, delta }, 'key');
    } else if (event.key === 'Enter' && current) {
      // Enter on a button would select the session: here it previews the change instead.
      event.preventDefault();
      const done = current;
      set(null, 'proposed');
      if (done.kind === 'move') onMove(done.delta, null);
      else onResize(done.delta);
    } else if (event.key === 'Escape' && current) {
      event.preventDefault();
      set(null, 'key');
    }
  });

  // A rebuild focuses the new block of the same session at once; anything else that takes
  // the focus away ends the change.
  block.addEventListener('blur', () => {
    setTimeout(() => {
      if (!current) return;
      const focused = document.activeElement?.dataset?.sessionId;
      if (focused !== block.dataset.sessionId) set(null, 'left');
    }, 0);
  });

  show();
}
