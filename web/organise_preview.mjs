// Every change an organiser makes goes through here: first the API's dry run
// (`?dry_run=true`, docs/API.md), shown in plain words in the organiser's language with a
// confirm button; only the confirm stores it. A refusal (overlap, outside the day, wrong
// state …) is shown as a sentence of ours plus the API's own message, which names the
// sessions and people involved.

import { el } from './agenda.mjs';

const MAX_LINES = 8;
const COMPARED_FIELDS = ['title', 'abstract', 'theme', 'kind', 'published', 'attendance'];

// The lines a dry run's `changed` list reads as: times, state, stage, other fields.
export function describeChanges(result, { strings, formatTime, stageName }) {
  const lines = [];
  for (const { before, after } of result?.changed ?? []) {
    if (!after) continue;
    const title = after.title || before?.title || after.id;
    if (!before) {
      lines.push(
        strings.t('change_times', { title, from: '–', to: `${formatTime(after.start)}–${formatTime(after.end)}` }),
      );
      continue;
    }
    if (before.state !== after.state) {
      lines.push(
        strings.t('change_state', {
          title,
          from: strings.t(`state_${before.state}`),
          to: strings.t(`state_${after.state}`),
        }),
      );
    }
    if (before.start !== after.start || before.end !== after.end) {
      lines.push(
        strings.t('change_times', {
          title,
          from: `${formatTime(before.start)}–${formatTime(before.end)}`,
          to: `${formatTime(after.start)}–${formatTime(after.end)}`,
        }),
      );
    }
    if (before.stage !== after.stage) lines.push(strings.t('change_stage', { title, stage: stageName(after.stage) }));
    const fields = COMPARED_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f])).map((f) =>
      strings.t(`field_${f}`) === `field_${f}` ? f : strings.t(`field_${f}`).toLowerCase(),
    );
    const people = (s) => JSON.stringify((s.people ?? []).map((p) => [p.id, p.role]));
    if (people(before) !== people(after)) fields.push(strings.t('field_people'));
    if (fields.length) lines.push(strings.t('change_fields', { title, fields: fields.join(', ') }));
  }
  return lines;
}

// Plain words for a refusal: our sentence for the code, then the server's message.
export function describeError(error, strings) {
  const own = strings.t(`err_${error.code}`);
  const lead = own === `err_${error.code}` ? strings.t('err_generic') : own;
  return { lead, detail: error.code === 'network' ? '' : strings.t('server_says', { message: error.message }) };
}

// The preview box of one view (`id` prefixes its element ids). run({dryRun, commit, note}) shows what `dryRun()` answers
// and stores it with `commit()` on confirm; `onDone(result)` after a stored change.
export function createPreview(host, { id, strings, formatTime, stageName, onDone = () => {} }) {
  const box = el('section', { class: 'organise-preview', 'aria-labelledby': `${id}-preview-heading`, hidden: true });
  const heading = el('h3', { id: `${id}-preview-heading`, tabindex: '-1' }, strings.t('preview_heading'));
  const body = el('div', { class: 'organise-preview-body' });
  const confirm = el(
    'button',
    { type: 'button', class: 'organise-button organise-button-primary', 'data-action': 'confirm' },
    strings.t('confirm'),
  );
  const back = el('button', { type: 'button', class: 'organise-button', 'data-action': 'back' }, strings.t('back'));
  box.append(heading, body, el('div', { class: 'organise-button-row' }, confirm, back));
  // Results of confirmed changes and refusals are announced here, outside the box that closes.
  const status = el('p', { class: 'organise-status', role: 'status', 'aria-live': 'polite' });
  host.append(box, status);

  let pending = null;
  let returnFocus = null;

  function close() {
    box.hidden = true;
    pending = null;
    if (returnFocus?.isConnected) returnFocus.focus();
  }

  function showError(error) {
    const { lead, detail } = describeError(error, strings);
    status.dataset.state = 'error';
    status.replaceChildren(el('strong', {}, `${strings.t('refused')} ${lead}`));
    if (detail) status.append(' ', el('span', { class: 'organise-status-detail' }, detail));
  }

  async function run({ dryRun, commit, note = '' }) {
    returnFocus = document.activeElement;
    pending = null;
    status.replaceChildren();
    delete status.dataset.state;
    body.replaceChildren(el('p', {}, strings.t('preview_loading')));
    confirm.hidden = true;
    box.hidden = false;
    let result;
    try {
      result = await dryRun();
    } catch (error) {
      box.hidden = true;
      showError(error);
      return;
    }
    const lines = describeChanges(result, { strings, formatTime, stageName });
    const shown = lines.slice(0, MAX_LINES).map((line) => el('li', {}, line));
    if (lines.length > MAX_LINES) shown.push(el('li', {}, strings.t('preview_more', { n: lines.length - MAX_LINES })));
    body.replaceChildren(
      ...[
        lines.length ? el('ul', { class: 'organise-preview-list' }, shown) : el('p', {}, strings.t('preview_nothing')),
        note ? el('p', { class: 'organise-preview-note' }, note) : null,
        result?.summary
          ? el(
              'p',
              { class: 'organise-preview-summary', lang: 'en' },
              strings.t('server_says', { message: result.summary }),
            )
          : null,
      ].filter(Boolean),
    );
    confirm.hidden = false;
    pending = commit;
    heading.focus();
  }

  confirm.addEventListener('click', async () => {
    if (!pending) return;
    const commit = pending;
    pending = null;
    confirm.disabled = true;
    status.textContent = strings.t('saving');
    try {
      const result = await commit();
      status.dataset.state = 'ok';
      status.textContent = strings.t('saved');
      close();
      onDone(result);
    } catch (error) {
      close();
      showError(error);
    } finally {
      confirm.disabled = false;
    }
  });
  back.addEventListener('click', close);

  return { run, showError, close, status };
}
