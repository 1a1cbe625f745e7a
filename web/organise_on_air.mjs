// What goes out from one stage, in the organiser's hands (the Broadcast view): go on air /
// stop the broadcast (after a confirm: viewers get the off-air card), put a slate with a
// text of their own on air instead of the input, and back to the picture (REST, organisers
// of the stage's event; refusals are the API's {"error": {"code", "message"}}):
//   POST /api/v1/stages/{stage}/off-air, POST …/on-air   → {stage, on_air, slate}
//   PUT  /api/v1/stages/{stage}/slate {"text"}, DELETE …/slate
// The state shown comes from those answers, from GET …/health's `control` and from the
// `ops` channel's `control` messages (another organiser's console, the API), whichever is
// newest. Every result and refusal is said in the group's live region.
//
// The controls are built once and updated in place, so a health push every 5 s or a
// control message never takes the focus or a half-typed slate text away.

import { el } from './agenda.mjs';
import { describeError } from './organise_preview.mjs';

export const SLATE_MAX_CHARS = 120;

// `stage`: {id, name}. Returns {element, update(control)} where control is the server's
// {on_air: bool, slate: null | {text}}, or null while it is not known.
export function createOnAirControl(stage, { strings, api }) {
  const id = (name) => `organise-${name}-${stage.id}`;
  const path = (what) => `/api/v1/stages/${encodeURIComponent(stage.id)}/${what}`;
  let control = null;
  let busy = false;

  const stateLine = el('p', { class: 'organise-control-state', id: id('control-state'), 'data-control': 'unknown' });
  const toggle = el('button', {
    type: 'button',
    class: 'organise-button organise-button-primary',
    'data-action': `on-air-${stage.id}`,
    'aria-describedby': id('control-state'),
  });
  const question = el(
    'p',
    { class: 'organise-control-question', id: id('off-air-question'), tabindex: '-1' },
    strings.t('confirm_off_air', { stage: stage.name }),
  );
  const stop = el(
    'button',
    { type: 'button', class: 'organise-button organise-button-primary', 'data-action': `off-air-${stage.id}` },
    strings.t('confirm_off_air_button'),
  );
  const keep = el(
    'button',
    { type: 'button', class: 'organise-button', 'data-action': `keep-on-air-${stage.id}` },
    strings.t('cancel'),
  );
  const confirmBox = el(
    'div',
    {
      class: 'organise-control-confirm',
      role: 'group',
      'aria-labelledby': id('off-air-question'),
      hidden: true,
    },
    question,
    el('div', { class: 'organise-button-row' }, stop, keep),
  );

  const slateText = el('input', {
    id: id('slate-text'),
    type: 'text',
    value: strings.t('slate_default'),
    maxlength: String(SLATE_MAX_CHARS),
    autocomplete: 'off',
    'aria-describedby': id('slate-hint'),
  });
  const showSlate = el(
    'button',
    { type: 'submit', class: 'organise-button', 'data-action': `slate-${stage.id}` },
    strings.t('show_slate'),
  );
  const slateForm = el(
    'form',
    { class: 'organise-inline-form organise-slate-form', novalidate: true },
    el('label', { for: id('slate-text') }, strings.t('slate_text')),
    slateText,
    showSlate,
    el('span', { class: 'organise-hint', id: id('slate-hint') }, strings.t('slate_hint', { n: SLATE_MAX_CHARS })),
  );
  const picture = el(
    'button',
    { type: 'button', class: 'organise-button', 'data-action': `picture-${stage.id}`, hidden: true },
    strings.t('hide_slate'),
  );

  const status = el('p', { class: 'organise-status', role: 'status', 'aria-live': 'polite', id: id('control-status') });
  const element = el(
    'fieldset',
    { class: 'organise-actions organise-control', 'data-control-stage': stage.id },
    el('legend', {}, strings.t('control_heading')),
    stateLine,
    el('div', { class: 'organise-button-row' }, toggle, picture),
    confirmBox,
    slateForm,
    status,
  );

  function render() {
    const onAir = control?.on_air ?? null;
    const slate = control?.slate ?? null;
    stateLine.dataset.control = onAir === null ? 'unknown' : !onAir ? 'off_air' : slate ? 'slate' : 'on_air';
    stateLine.textContent =
      onAir === null
        ? strings.t('control_unknown')
        : !onAir
          ? strings.t('control_off_air')
          : slate
            ? strings.t('control_slate', { text: slate.text })
            : strings.t('control_on_air');
    // While it is not known, offer to stop: the usual state of a stage is on air.
    toggle.textContent = onAir === false ? strings.t('go_on_air') : strings.t('go_off_air');
    toggle.dataset.next = onAir === false ? 'on-air' : 'off-air';
    picture.hidden = !slate;
    for (const button of [toggle, stop, keep, showSlate, picture]) button.disabled = busy;
    element.setAttribute('aria-busy', String(busy));
  }

  function say(text, state = 'ok') {
    status.dataset.state = state;
    status.replaceChildren(text);
  }

  function refused(error) {
    const { lead, detail } = describeError(error, strings);
    status.dataset.state = 'error';
    status.replaceChildren(el('strong', {}, `${strings.t('refused')} ${lead}`));
    if (detail) status.append(' ', el('span', { class: 'organise-status-detail' }, detail));
  }

  // One request at a time; its answer is the new state.
  async function send(request, done, focusAfter) {
    if (busy) return;
    busy = true;
    render();
    say(strings.t('control_busy'), '');
    try {
      const answer = await request();
      update(answer);
      say(done(answer));
    } catch (error) {
      refused(error);
    } finally {
      busy = false;
      render();
      focusAfter?.focus();
    }
  }

  function closeConfirm({ focus = true } = {}) {
    confirmBox.hidden = true;
    if (focus) toggle.focus();
  }

  toggle.addEventListener('click', () => {
    if (toggle.dataset.next === 'on-air') {
      send(
        () => api.post(path('on-air')),
        () => strings.t('done_on_air', { stage: stage.name }),
        toggle,
      );
      return;
    }
    // Stopping takes the stage away from every viewer: ask first, with the focus on the
    // question so it is read out.
    confirmBox.hidden = false;
    question.focus();
  });
  stop.addEventListener('click', () => {
    closeConfirm({ focus: false });
    send(
      () => api.post(path('off-air')),
      () => strings.t('done_off_air', { stage: stage.name }),
      toggle,
    );
  });
  keep.addEventListener('click', () => closeConfirm());
  confirmBox.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeConfirm();
  });

  slateForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = slateText.value.trim();
    if (!text || text.length > SLATE_MAX_CHARS) {
      say(`${strings.t('refused')} ${strings.t('err_invalid')}`, 'error');
      slateText.focus();
      return;
    }
    send(
      () => api.put(path('slate'), { text }),
      (answer) =>
        strings.t('done_slate', {
          stage: stage.name,
          text: answer?.slate?.text ?? text,
        }),
      slateText,
    );
  });
  picture.addEventListener('click', () => {
    send(
      () => api.delete(path('slate')),
      () => strings.t('done_picture', { stage: stage.name }),
      toggle,
    );
  });

  // From an answer, a health object's `control` or an `ops` `control` message; anything
  // without `on_air` as a boolean is not a control state and is ignored.
  function update(next) {
    if (typeof next?.on_air !== 'boolean') return;
    control = { on_air: next.on_air, slate: next.slate?.text ? { text: next.slate.text } : null };
    render();
  }

  render();
  return {
    element,
    update,
    get control() {
      return control;
    },
  };
}
