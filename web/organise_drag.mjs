// Dragging a session block on the timeline with pointer events: the block to move it
// (up and down in time, sideways onto another stage's track), its bottom handle to change
// its length. Snaps to 5 minutes. What the drag proposes goes to `onMove` / `onResize`,
// which preview it through the API's dry run before anything is stored; the block then
// springs back until the programme says otherwise. The keyboard's way to do the same is
// organise_block_keys.mjs (arrow keys on the block), or the edit form's start and length.

const SNAP_MINUTES = 5;
const THRESHOLD_PX = 5;

const snap = (minutes) => Math.round(minutes / SNAP_MINUTES) * SNAP_MINUTES;

// `item`: the positioned <li>; `block`: its button; `handle`: the resize grip.
// `label(deltaMinutes)` gives the text shown on the block while it is dragged.
export function enableDrag({ item, block, handle, pxPerMinute, canMove, onMove, onResize, label }) {
  let gesture = null;

  function begin(event, kind) {
    if (event.button !== 0 || !event.isPrimary) return;
    if (kind === 'move' && !canMove()) return;
    gesture = {
      kind,
      x: event.clientX,
      y: event.clientY,
      dragging: false,
      pointer: event.pointerId,
      top: item.offsetTop,
      height: item.offsetHeight,
      delta: 0,
    };
    item.dataset.gesture = 'true'; // the timeline holds its redraws until the gesture ends
    (kind === 'move' ? block : handle).setPointerCapture(event.pointerId);
    if (kind === 'resize') event.preventDefault();
  }

  function move(event) {
    if (!gesture || event.pointerId !== gesture.pointer) return;
    const dx = event.clientX - gesture.x;
    const dy = event.clientY - gesture.y;
    if (!gesture.dragging && Math.hypot(dx, dy) < THRESHOLD_PX) return;
    gesture.dragging = true;
    item.dataset.dragging = 'true';
    gesture.delta = snap(dy / pxPerMinute);
    if (gesture.kind === 'move') {
      item.style.transform = `translate(${dx}px, ${gesture.delta * pxPerMinute}px)`;
    } else {
      item.style.height = `${Math.max(SNAP_MINUTES * pxPerMinute, gesture.height + gesture.delta * pxPerMinute)}px`;
    }
    item.dataset.dragLabel = label(gesture.kind, gesture.delta);
  }

  function end(event) {
    if (!gesture || event.pointerId !== gesture.pointer) return;
    const done = gesture;
    gesture = null;
    delete item.dataset.gesture;
    item.dispatchEvent(new CustomEvent('gestureend', { bubbles: true }));
    item.style.transform = '';
    item.style.height = '';
    delete item.dataset.dragging;
    delete item.dataset.dragLabel;
    if (!done.dragging) return;
    // A drag is not a click: keep the click that follows pointerup from selecting.
    // The browser sends that click in the same task as pointerup, so the guard goes after.
    const swallow = (e) => {
      e.stopImmediatePropagation();
      e.preventDefault();
    };
    block.addEventListener('click', swallow, { capture: true, once: true });
    setTimeout(() => block.removeEventListener('click', swallow, { capture: true }), 0);
    if (event.type === 'pointercancel') return;
    if (done.kind === 'move') {
      const target = document
        .elementsFromPoint(event.clientX, event.clientY)
        .map((node) => node.closest?.('[data-stage-track]'))
        .find(Boolean);
      const stage = target?.dataset.stageTrack ?? null;
      if (done.delta !== 0 || (stage && stage !== item.dataset.stage)) onMove(done.delta, stage);
    } else if (done.delta !== 0) {
      onResize(done.delta);
    }
  }

  block.addEventListener('pointerdown', (e) => begin(e, 'move'));
  handle.addEventListener('pointerdown', (e) => {
    e.stopPropagation();
    begin(e, 'resize');
  });
  for (const node of [block, handle]) {
    node.addEventListener('pointermove', move);
    node.addEventListener('pointerup', end);
    node.addEventListener('pointercancel', end);
  }
}
