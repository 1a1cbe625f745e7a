// The Captions view: the 14-day rule's list (every replay of the event with its captions'
// state, due date and days left, the ones without complete captions first) and, for a
// replay chosen from it, the cue editor beside the replay playing (hls.js, with the
// organiser's token, so a hidden replay plays too). docs/CAPTIONS.md, "Replays".
//
// The editor works on a copy of the track (times relative to the replay, in ms) and saves
// it whole (PATCH …/captions/{language}): edit a cue's text, nudge its timing, split it
// at the player's time, merge it with the next, jump the player to it. On a cue row:
// ←/→ nudge 100 ms, Shift+←/→ 1 s, ↑/↓ the previous/next cue, Enter jumps to it,
// S splits, M merges, Delete removes. A file (WebVTT or SRT) replaces the track.

import Hls from '/vendor/hls.js/dist/hls.mjs';
import { el } from './agenda.mjs';
import { describeError } from './organise_preview.mjs';

const MIN_CUE_MS = 100;

// "1:02.300" (or "1:01:02.300" past an hour).
export function cueTime(ms) {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(Math.round(ms));
  const h = Math.floor(abs / 3600000);
  const m = Math.floor(abs / 60000) % 60;
  const s = Math.floor(abs / 1000) % 60;
  const rest = String(abs % 1000).padStart(3, '0');
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${sign}${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}.${rest}`;
}

// The pure edits, each returning a new list (tests call them through the page).
export const cueEdits = {
  nudge(cues, index, by) {
    const cue = cues[index];
    const shift = Math.max(by, -cue.start_ms);
    return cues.map((c, i) => (i === index ? { ...c, start_ms: c.start_ms + shift, end_ms: c.end_ms + shift } : c));
  },
  // Splits at `at` (relative ms) if it lies inside the cue with room on both sides; the
  // text is split at the word nearest its share of the time.
  split(cues, index, at) {
    const cue = cues[index];
    if (at < cue.start_ms + MIN_CUE_MS || at > cue.end_ms - MIN_CUE_MS) return null;
    const words = cue.text.split(/\s+/).filter(Boolean);
    const share = (at - cue.start_ms) / (cue.end_ms - cue.start_ms);
    const cut = Math.min(Math.max(1, Math.round(words.length * share)), Math.max(1, words.length - 1));
    const first = { start_ms: cue.start_ms, end_ms: at, text: words.slice(0, cut).join(' ') };
    const second = { start_ms: at, end_ms: cue.end_ms, text: words.slice(cut).join(' ') || '…' };
    return [...cues.slice(0, index), first, second, ...cues.slice(index + 1)];
  },
  merge(cues, index) {
    if (index + 1 >= cues.length) return null;
    const a = cues[index];
    const b = cues[index + 1];
    const merged = {
      start_ms: Math.min(a.start_ms, b.start_ms),
      end_ms: Math.max(a.end_ms, b.end_ms),
      text: `${a.text} ${b.text}`.trim(),
    };
    return [...cues.slice(0, index), merged, ...cues.slice(index + 2)];
  },
  remove(cues, index) {
    return cues.filter((_, i) => i !== index);
  },
};

export function createCaptionsView(root, ctx) {
  const { strings, api } = ctx;
  const eventPath = () => `/api/v1/events/${encodeURIComponent(ctx.event.id)}`;
  let replays = [];
  let open = null; // {replay, language, kind, cues, own, complete, dirty}
  let selected = 0;
  let hls = null;
  let visible = false;

  const status = el('p', { class: 'organise-message', id: 'organise-captions-status', role: 'status' });
  const listBody = el('tbody', { id: 'organise-captions-list' });
  const list = el(
    'table',
    { class: 'organise-captions-table', 'aria-labelledby': 'organise-captions-list-heading' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, strings.t('captions_col_replay')),
        el('th', { scope: 'col' }, strings.t('captions_col_status')),
        el('th', { scope: 'col' }, strings.t('captions_col_due')),
        el('th', { scope: 'col' }, strings.t('captions_col_action')),
      ),
    ),
    listBody,
  );

  const video = el('video', {
    id: 'organise-captions-video',
    class: 'organise-captions-video',
    controls: true,
    playsinline: true,
    'aria-label': strings.t('captions_player'),
  });
  const language = el('input', {
    id: 'organise-captions-language',
    type: 'text',
    value: 'sv',
    size: '6',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'organise-captions-language-hint',
  });
  const kind = el(
    'select',
    { id: 'organise-captions-kind' },
    el('option', { value: 'captions' }, strings.t('captions_kind_captions')),
    el('option', { value: 'descriptions' }, strings.t('captions_kind_descriptions')),
  );
  const file = el('input', { id: 'organise-captions-file', type: 'file', accept: '.vtt,.srt,text/vtt' });
  const cueList = el('ol', {
    id: 'organise-captions-cues',
    class: 'organise-captions-cues',
    'aria-labelledby': 'organise-captions-cues-heading',
    'aria-describedby': 'organise-captions-keys',
  });
  const trackState = el('p', { id: 'organise-captions-track', class: 'organise-hint' });
  const button = (action, label, attributes = {}) =>
    el('button', { type: 'button', class: 'organise-button', 'data-action': action, ...attributes }, label);
  const saveButton = button('save', strings.t('captions_save'), { class: 'organise-button organise-button-primary' });
  const completeBox = el('input', { id: 'organise-captions-complete', type: 'checkbox' });
  const title = el('h3', { id: 'organise-captions-editor-heading', tabindex: '-1' });
  const editor = el(
    'section',
    { class: 'organise-captions-editor', 'aria-labelledby': 'organise-captions-editor-heading', hidden: true },
    title,
    el(
      'div',
      { class: 'organise-captions-track-choice' },
      el('label', { for: 'organise-captions-language' }, strings.t('captions_language')),
      language,
      el(
        'span',
        { class: 'organise-hint', id: 'organise-captions-language-hint' },
        strings.t('captions_language_hint'),
      ),
      el('label', { for: 'organise-captions-kind' }, strings.t('captions_kind')),
      kind,
      button('load', strings.t('captions_load')),
    ),
    el(
      'div',
      { class: 'organise-captions-workspace' },
      el('div', { class: 'organise-captions-player' }, video),
      el(
        'div',
        { class: 'organise-captions-side' },
        el('h4', { id: 'organise-captions-cues-heading' }, strings.t('captions_cues')),
        trackState,
        el('p', { class: 'organise-hint', id: 'organise-captions-keys' }, strings.t('captions_keys')),
        cueList,
        el(
          'div',
          { class: 'organise-button-row' },
          button('add', strings.t('captions_add')),
          saveButton,
          el(
            'label',
            { class: 'organise-captions-complete-field', for: 'organise-captions-complete' },
            completeBox,
            ' ',
            strings.t('captions_complete'),
          ),
        ),
        el(
          'div',
          { class: 'organise-captions-upload' },
          el('label', { for: 'organise-captions-file' }, strings.t('captions_file')),
          file,
          button('upload', strings.t('captions_upload')),
        ),
      ),
    ),
  );

  root.append(
    el('h2', { id: 'organise-captions-heading', tabindex: '-1' }, strings.t('captions_heading')),
    el('p', { class: 'organise-hint' }, strings.t('captions_help')),
    el('h3', { id: 'organise-captions-list-heading' }, strings.t('captions_list_heading')),
    list,
    status,
    editor,
  );

  function say(key, values = {}, state = '') {
    status.dataset.state = state;
    status.textContent = strings.t(key, values);
  }

  function refused(error) {
    const { lead, detail } = describeError(error, strings);
    status.dataset.state = 'error';
    status.replaceChildren(el('strong', {}, `${strings.t('refused')} ${lead}`));
    if (detail) status.append(' ', el('span', { class: 'organise-status-detail' }, detail));
  }

  function dueText(captions) {
    if (!captions) return '';
    const date = new Date(captions.due).toLocaleDateString(strings.locale, { timeZone: ctx.tz });
    if (captions.status === 'complete') return date;
    if (captions.deadline === 'hidden') return strings.t('captions_hidden_by_rule', { date });
    if (captions.days_left <= 0) return strings.t('captions_overdue', { date });
    return strings.t('captions_days_left', { n: captions.days_left, date });
  }

  function renderList() {
    const order = { none: 0, live: 1, complete: 2 };
    const sorted = [...replays].sort(
      (a, b) =>
        order[a.captions?.status ?? 'none'] - order[b.captions?.status ?? 'none'] ||
        (a.captions?.days_left ?? 0) - (b.captions?.days_left ?? 0),
    );
    if (!sorted.length) {
      listBody.replaceChildren(el('tr', {}, el('td', { colspan: '4' }, strings.t('captions_no_replays'))));
      return;
    }
    listBody.replaceChildren(
      ...sorted.map((replay) => {
        const state = replay.captions?.status ?? 'none';
        return el(
          'tr',
          { 'data-session': replay.session, 'data-status': state },
          el('th', { scope: 'row' }, replay.title),
          el(
            'td',
            {},
            el(
              'span',
              { class: `organise-captions-badge organise-captions-${state}` },
              strings.t(`captions_status_${state}`),
            ),
          ),
          el('td', {}, dueText(replay.captions)),
          el(
            'td',
            {},
            el(
              'button',
              {
                type: 'button',
                class: 'organise-button',
                'data-action': 'edit',
                'data-session': replay.session,
                'aria-label': strings.t('captions_edit_of', { title: replay.title }),
              },
              strings.t('captions_edit'),
            ),
          ),
        );
      }),
    );
  }

  async function loadList() {
    try {
      const answer = await api.get(`/api/v1/replays?event=${encodeURIComponent(ctx.event.id)}`);
      replays = answer.replays ?? [];
      renderList();
    } catch (error) {
      refused(error);
    }
  }

  function play(replay) {
    hls?.destroy();
    hls = null;
    if (!Hls.isSupported()) return;
    hls = new Hls({
      workerPath: '/vendor/hls.js/dist/hls.worker.js',
      xhrSetup: (xhr) => xhr.setRequestHeader('authorization', `Bearer ${api.token}`),
    });
    hls.loadSource(replay.playlist);
    hls.attachMedia(video);
  }

  const trackPath = () =>
    `${eventPath()}/sessions/${encodeURIComponent(open.replay.session)}/captions/${encodeURIComponent(open.language)}?kind=${open.kind}`;

  function setTrack(track) {
    open.cues = track.cues.map(({ start_ms, end_ms, text }) => ({ start_ms, end_ms, text }));
    open.own = track.own;
    open.complete = track.complete;
    open.dirty = false;
    completeBox.checked = track.complete;
    selected = Math.min(selected, Math.max(0, open.cues.length - 1));
    renderCues();
  }

  async function loadTrack() {
    open.language = language.value.trim() || 'sv';
    open.kind = kind.value;
    try {
      setTrack(await api.get(trackPath()));
      say('captions_loaded', { n: open.cues.length });
    } catch (error) {
      refused(error);
    }
  }

  async function openReplay(session) {
    const replay = replays.find((r) => r.session === session);
    if (!replay) return;
    open = { replay, language: 'sv', kind: 'captions', cues: [], own: false, complete: false, dirty: false };
    selected = 0;
    editor.hidden = false;
    title.textContent = strings.t('captions_editor_heading', { title: replay.title });
    play(replay);
    await loadTrack();
    title.focus();
  }

  function renderCues() {
    trackState.textContent = strings.t(
      open.own ? (open.complete ? 'captions_track_complete' : 'captions_track_own') : 'captions_track_live',
      { n: open.cues.length },
    );
    cueList.replaceChildren(
      ...open.cues.map((cue, index) => {
        const text = el('textarea', {
          class: 'organise-captions-text',
          rows: '2',
          'data-index': String(index),
          'aria-label': strings.t('captions_text_of', { n: index + 1 }),
        });
        text.value = cue.text;
        const small = (action, label, extra = {}) =>
          el(
            'button',
            {
              type: 'button',
              class: 'organise-button organise-button-small',
              'data-action': action,
              'data-index': String(index),
              'aria-label': strings.t(`captions_${action.replace('-', '_')}_of`, { n: index + 1 }),
              ...extra,
            },
            label,
          );
        return el(
          'li',
          {
            class: 'organise-captions-cue',
            tabindex: index === selected ? '0' : '-1',
            'data-index': String(index),
            'aria-current': index === selected ? 'true' : null,
            'aria-label': strings.t('captions_cue_label', {
              n: index + 1,
              from: cueTime(cue.start_ms),
              to: cueTime(cue.end_ms),
            }),
          },
          el(
            'span',
            { class: 'organise-captions-times' },
            el('span', { class: 'organise-captions-start' }, cueTime(cue.start_ms)),
            ' – ',
            el('span', { class: 'organise-captions-end' }, cueTime(cue.end_ms)),
          ),
          text,
          el(
            'span',
            { class: 'organise-captions-tools' },
            small('jump', '▶'),
            small('earlier-1s', '−1 s'),
            small('earlier', '−0.1'),
            small('later', '+0.1'),
            small('later-1s', '+1 s'),
            small('split', strings.t('captions_split')),
            small('merge', strings.t('captions_merge')),
            small('remove', '✕'),
          ),
        );
      }),
    );
  }

  function focusCue(index) {
    selected = Math.max(0, Math.min(index, open.cues.length - 1));
    for (const item of cueList.children) {
      const mine = Number(item.dataset.index) === selected;
      item.tabIndex = mine ? 0 : -1;
      if (mine) item.setAttribute('aria-current', 'true');
      else item.removeAttribute('aria-current');
    }
    cueList.children[selected]?.focus();
  }

  function change(next, focusAt, key, values = {}) {
    if (!next) {
      say(key === 'captions_split_done' ? 'captions_split_outside' : 'captions_merge_last', {}, 'error');
      return;
    }
    open.cues = next;
    open.dirty = true;
    renderCues();
    focusCue(focusAt);
    say(key, values);
  }

  function playerMs() {
    return Math.round(video.currentTime * 1000);
  }

  function act(action, index) {
    const cue = open.cues[index];
    if (!cue && action !== 'add') return;
    const nudges = { earlier: -100, later: 100, 'earlier-1s': -1000, 'later-1s': 1000 };
    if (action in nudges) {
      const next = cueEdits.nudge(open.cues, index, nudges[action]);
      change(next, index, 'captions_nudged', { n: index + 1, from: cueTime(next[index].start_ms) });
    } else if (action === 'split') {
      change(cueEdits.split(open.cues, index, playerMs()), index + 1, 'captions_split_done', { n: index + 1 });
    } else if (action === 'merge') {
      change(cueEdits.merge(open.cues, index), index, 'captions_merge_done', { n: index + 1 });
    } else if (action === 'remove') {
      change(cueEdits.remove(open.cues, index), index - 1, 'captions_removed', { n: index + 1 });
    } else if (action === 'jump') {
      video.currentTime = cue.start_ms / 1000;
      selected = index;
      say('captions_jumped', { n: index + 1, at: cueTime(cue.start_ms) });
    } else if (action === 'add') {
      const at = playerMs();
      const next = [...open.cues, { start_ms: at, end_ms: at + 2000, text: '' }].sort(
        (a, b) => a.start_ms - b.start_ms,
      );
      change(
        next,
        next.findIndex((c) => c.start_ms === at && c.text === ''),
        'captions_added',
        { at: cueTime(at) },
      );
    }
  }

  async function save() {
    try {
      setTrack(await api.patch(trackPath(), { cues: open.cues, complete: completeBox.checked }));
      say('captions_saved', { n: open.cues.length }, 'ok');
      loadList();
    } catch (error) {
      refused(error);
    }
  }

  async function markComplete() {
    try {
      if (open.dirty) await api.patch(trackPath(), { cues: open.cues });
      setTrack(await api.post(`${trackPath().replace('?', '/complete?')}`, { complete: completeBox.checked }));
      say(completeBox.checked ? 'captions_marked_complete' : 'captions_marked_incomplete', {}, 'ok');
      loadList();
    } catch (error) {
      completeBox.checked = open.complete;
      refused(error);
    }
  }

  async function upload() {
    const chosen = file.files?.[0];
    if (!chosen) {
      say('captions_choose_file', {}, 'error');
      file.focus();
      return;
    }
    try {
      const type = chosen.name.toLowerCase().endsWith('.vtt') ? 'text/vtt' : 'application/x-subrip';
      setTrack(await api.putText(trackPath(), await chosen.text(), type));
      say('captions_uploaded', { n: open.cues.length, name: chosen.name }, 'ok');
      loadList();
    } catch (error) {
      refused(error);
    }
  }

  root.addEventListener('click', (event) => {
    const target = event.target.closest('button[data-action]');
    if (!target) return;
    const action = target.dataset.action;
    if (action === 'edit') openReplay(target.dataset.session);
    else if (action === 'load') loadTrack();
    else if (action === 'save') save();
    else if (action === 'upload') upload();
    else act(action, Number(target.dataset.index ?? selected));
  });
  completeBox.addEventListener('change', markComplete);
  cueList.addEventListener('input', (event) => {
    const index = Number(event.target.dataset.index);
    if (!event.target.matches('textarea') || !open.cues[index]) return;
    open.cues[index] = { ...open.cues[index], text: event.target.value };
    open.dirty = true;
  });
  cueList.addEventListener('focusin', (event) => {
    const item = event.target.closest('li[data-index]');
    if (item) selected = Number(item.dataset.index);
  });
  // Keys on a cue row (not while typing its text).
  cueList.addEventListener('keydown', (event) => {
    if (!event.target.matches('li[data-index]') || event.ctrlKey || event.metaKey || event.altKey) return;
    const index = Number(event.target.dataset.index);
    const keys = {
      ArrowLeft: event.shiftKey ? 'earlier-1s' : 'earlier',
      ArrowRight: event.shiftKey ? 'later-1s' : 'later',
      Enter: 'jump',
      s: 'split',
      S: 'split',
      m: 'merge',
      M: 'merge',
      Delete: 'remove',
    };
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      focusCue(index + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (keys[event.key]) {
      event.preventDefault();
      act(keys[event.key], index);
    }
  });

  return {
    show() {
      visible = true;
      loadList();
    },
    hide() {
      visible = false;
      video.pause();
    },
    reset() {
      hls?.destroy();
      hls = null;
      open = null;
      replays = [];
      editor.hidden = true;
      if (visible) loadList();
    },
    destroy() {
      hls?.destroy();
      hls = null;
    },
  };
}
