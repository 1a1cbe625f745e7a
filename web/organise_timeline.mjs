// The Timeline view: one track per stage for the chosen day, sessions as blocks placed by
// their effective times, a line at the current time; and, for the session chosen, what an
// organiser does during the day (start now, end now, running late, swap, cancel/restore),
// its edit form (title, abstract, theme, start, duration), its people and their order, and
// for a panel the moderator's "next speaker". Every change goes through the dry-run
// preview (organise_preview.mjs). Kept live by the shell from `agenda:{event}`. A block is
// moved or resized by dragging (organise_drag.mjs) or from the keyboard with the arrow keys
// (organise_block_keys.mjs).

import { el } from './agenda.mjs';
import { createPreview } from './organise_preview.mjs';
import { enableDrag } from './organise_drag.mjs';
import { enableBlockKeys } from './organise_block_keys.mjs';
import { eventDays, instantFromLocal, isoUtc, localClock, localDate } from './organise_time.mjs';

const PX_PER_MINUTE = 2;
const MINUTE = 60_000;
const ROLES = ['speaker', 'panelist', 'moderator'];

const isPanel = (session) => session?.kind === 'panel';

export function createTimelineView(root, ctx) {
  const { strings, api } = ctx;
  const eventPath = () => `/api/v1/events/${encodeURIComponent(ctx.event.id)}`;
  const sessionPath = (id) => `${eventPath()}/sessions/${encodeURIComponent(id)}`;

  const state = {
    day: null, // the chosen day's date, "2026-11-22"
    selected: null, // session id
    formDirty: false,
    peopleDraft: null, // [{id, name, role}] while the people list is being edited
    panel: null, // the selected panel's latest `panel` message
    allPeople: null, // people of the event's programme file, for "add a person"
    keyChange: null, // {id, kind, delta}: a move or resize being made with the arrow keys
    visible: false,
  };

  // --- skeleton -----------------------------------------------------------------------

  const daySelect = el('select', { id: 'organise-day' });
  const tracks = el('div', { class: 'organise-timeline', id: 'organise-timeline' });
  const detail = el('section', {
    class: 'organise-detail',
    id: 'organise-detail',
    'aria-labelledby': 'organise-detail-heading',
  });
  // Says what the arrow keys did to a session, which a screen reader cannot see on the block.
  const keyStatus = el('p', {
    class: 'visually-hidden',
    id: 'organise-timeline-keys',
    role: 'status',
    'aria-live': 'polite',
  });
  root.append(
    el('h2', { id: 'organise-timeline-heading', tabindex: '-1' }, strings.t('timeline_heading')),
    el('p', { class: 'organise-help', id: 'organise-timeline-help' }, strings.t('timeline_help')),
    keyStatus,
    el(
      'p',
      { class: 'organise-field organise-field-inline' },
      el('label', { for: 'organise-day' }, strings.t('day_label')),
      daySelect,
    ),
    el('div', { class: 'organise-timeline-layout' }, tracks, detail),
  );

  const previewHost = el('div', { class: 'organise-preview-host' });
  const preview = createPreview(previewHost, {
    id: 'organise-timeline',
    strings,
    formatTime: (iso) => ctx.formatTime(iso),
    stageName: (id) => ctx.stageName(id),
    onDone: (result) => {
      ctx.applyChanged(result);
      state.formDirty = false;
      state.peopleDraft = null;
      renderDetail({ keepForms: false });
    },
  });

  daySelect.addEventListener('change', () => {
    state.day = daySelect.value;
    renderTracks();
  });

  // --- helpers ------------------------------------------------------------------------

  const session = (id = state.selected) => ctx.event.sessions?.find((s) => s.id === id) ?? null;
  const days = () => eventDays(ctx.event);
  const currentDay = () => days().find((d) => d.date === state.day) ?? days()[0] ?? null;
  const range = (s) => `${ctx.formatTime(s.start)}–${ctx.formatTime(s.end)}`;

  function button(label, action, onClick, extra = {}) {
    const node = el('button', { type: 'button', class: 'organise-button', 'data-action': action, ...extra }, label);
    node.addEventListener('click', onClick);
    return node;
  }

  // --- the tracks ---------------------------------------------------------------------

  function renderDays() {
    const list = days();
    const dayName = new Intl.DateTimeFormat(strings.locale, {
      timeZone: ctx.tz,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
    });
    if (!list.some((d) => d.date === state.day)) {
      const today = localDate(new Date(ctx.serverNow()).toISOString(), ctx.tz);
      state.day = (list.find((d) => d.date === today) ?? list[0])?.date ?? null;
    }
    daySelect.replaceChildren(...list.map((d) => el('option', { value: d.date }, dayName.format(new Date(d.start)))));
    daySelect.value = state.day ?? '';
  }

  // A redraw replaces every block: one under the organiser's pointer would lose its drag.
  // It waits for the gesture's end (organise_drag.mjs dispatches `gestureend`).
  let redrawAfterGesture = false;
  tracks.addEventListener('gestureend', () => {
    if (!redrawAfterGesture) return;
    redrawAfterGesture = false;
    setTimeout(renderTracks, 0); // after the gesture's own handlers (a preview) have run
  });

  function renderTracks() {
    if (tracks.querySelector('[data-gesture]')) {
      redrawAfterGesture = true;
      return;
    }
    const focusedId = document.activeElement?.closest?.('#organise-timeline [data-session-id]')?.dataset.sessionId;
    const day = currentDay();
    const stages = ctx.event.stages ?? [];
    if (!day) {
      tracks.replaceChildren(el('p', {}, strings.t('no_sessions_day')));
      return;
    }
    const sessions = (ctx.event.sessions ?? []).filter(
      (s) => Date.parse(s.end) > day.start && Date.parse(s.start) < day.end,
    );
    const from =
      Math.floor(Math.min(day.start, ...sessions.map((s) => Date.parse(s.start))) / (15 * MINUTE)) * 15 * MINUTE;
    const to = Math.max(day.end, ...sessions.map((s) => Date.parse(s.end)));
    const height = Math.ceil((to - from) / MINUTE) * PX_PER_MINUTE;
    const y = (ms) => ((ms - from) / MINUTE) * PX_PER_MINUTE;

    const hours = el('div', { class: 'organise-hours', 'aria-hidden': 'true', style: { height: `${height}px` } });
    for (let t = Math.ceil(from / (30 * MINUTE)) * 30 * MINUTE; t <= to; t += 30 * MINUTE) {
      hours.append(
        el('span', { class: 'organise-hour', style: { top: `${y(t)}px` } }, ctx.formatTime(new Date(t).toISOString())),
      );
    }
    const columns = stages.map((stage) => {
      const list = el('ol', {
        class: 'organise-track-sessions',
        style: { height: `${height}px` },
        'data-stage-track': stage.id,
        'aria-label': strings.t('timeline_label', { stage: stage.name }),
      });
      for (const s of sessions.filter((x) => x.stage === stage.id)) list.append(renderBlock(s, y));
      return el('div', { class: 'organise-track' }, el('h3', { class: 'organise-track-name' }, stage.name), list);
    });
    const nowMs = ctx.serverNow();
    const nowLine =
      nowMs >= from && nowMs <= to
        ? el(
            'div',
            {
              class: 'organise-now-line',
              id: 'organise-now-line',
              style: { top: `calc(var(--organise-track-head) + ${y(nowMs)}px)` },
            },
            el('span', {}, strings.t('now_line', { time: ctx.formatTime(new Date(nowMs).toISOString()) })),
          )
        : null;
    const grid = el(
      'div',
      { class: 'organise-grid', style: { '--organise-stages': Math.max(1, stages.length) } },
      el(
        'div',
        { class: 'organise-track organise-track-hours' },
        el('span', { class: 'organise-track-name', 'aria-hidden': 'true' }),
        hours,
      ),
      ...columns,
      nowLine,
    );
    tracks.replaceChildren(sessions.length ? grid : el('p', {}, strings.t('no_sessions_day')));
    if (focusedId) tracks.querySelector(`[data-session-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  function renderBlock(s, y) {
    const top = y(Date.parse(s.start));
    const height = Math.max(18, y(Date.parse(s.end)) - top);
    const lateMinutes = Math.round((Date.parse(s.start) - Date.parse(s.planned_start)) / MINUTE);
    const block = el(
      'button',
      {
        type: 'button',
        class: 'organise-block',
        'data-session-id': s.id,
        'aria-pressed': s.id === state.selected ? 'true' : 'false',
        'aria-keyshortcuts': 'ArrowUp ArrowDown Shift+ArrowUp Shift+ArrowDown',
      },
      el('span', { class: 'organise-block-time' }, range(s)),
      el('span', { class: 'organise-block-title', lang: s.language || null }, s.title),
      s.state !== 'scheduled' ? el('span', { class: 'organise-block-state' }, strings.t(`state_${s.state}`)) : null,
      s.state === 'scheduled' && lateMinutes > 0
        ? el('span', { class: 'organise-block-state' }, `+${lateMinutes} min`)
        : null,
    );
    const handle = el('span', { class: 'organise-resize', 'aria-hidden': 'true' });
    const item = el(
      'li',
      {
        class: 'organise-block-item',
        'data-state': s.state,
        'data-kind': s.kind,
        'data-stage': s.stage,
        'data-selected': s.id === state.selected ? 'true' : null,
        style: { top: `${top}px`, height: `${height}px` },
      },
      block,
      handle,
    );
    block.addEventListener('click', () => select(s.id));
    const gesture = {
      item,
      block,
      canMove: () => s.state === 'scheduled' || s.state === 'cancelled',
      label: (kind, delta) =>
        kind === 'move'
          ? ctx.formatTime(isoUtc(Date.parse(s.start) + delta * MINUTE))
          : `${Math.max(5, s.duration_minutes + delta)} min`,
      onMove: (delta, stage) => proposeMove(s, delta, stage),
      onResize: (delta) => proposeDuration(s, Math.max(5, s.duration_minutes + delta)),
    };
    enableDrag({ ...gesture, handle, pxPerMinute: PX_PER_MINUTE });
    const kept = state.keyChange?.id === s.id ? state.keyChange : null;
    enableBlockKeys({
      ...gesture,
      pending: kept && { kind: kept.kind, delta: kept.delta },
      minResize: 5 - s.duration_minutes,
      onPending: (change, why) => {
        state.keyChange = change ? { id: s.id, ...change } : null;
        if (why === 'key') announceKeyChange(s, change, gesture.label);
      },
    });
    return item;
  }

  function announceKeyChange(s, change, label) {
    keyStatus.textContent = !change
      ? strings.t('keys_dropped', { title: s.title })
      : strings.t(change.kind === 'move' ? 'keys_move' : 'keys_resize', {
          title: s.title,
          value: label(change.kind, change.delta),
        });
  }

  function proposeMove(s, delta, stage) {
    const start = isoUtc(Date.parse(s.start) + delta * MINUTE);
    select(s.id, { focusDetail: false });
    const body = { start, stage: stage || s.stage };
    preview.run({
      dryRun: () => api.post(`${sessionPath(s.id)}/move`, body, { dryRun: true }),
      commit: () => api.post(`${sessionPath(s.id)}/move`, body),
    });
  }

  function proposeDuration(s, minutes) {
    select(s.id, { focusDetail: false });
    preview.run({
      dryRun: () => api.patch(sessionPath(s.id), { duration_minutes: minutes }, { dryRun: true }),
      commit: () => api.patch(sessionPath(s.id), { duration_minutes: minutes }),
    });
  }

  function select(id, { focusDetail = true } = {}) {
    const changed = id !== state.selected;
    state.selected = id;
    if (changed) {
      state.formDirty = false;
      state.peopleDraft = null;
      state.panel = null;
      preview.close();
      preview.status.replaceChildren();
      const s = session(id);
      ctx.follow('timeline', isPanel(s) ? [`panel:${id}`] : []);
      if (isPanel(s)) loadPanel(id);
    }
    for (const item of tracks.querySelectorAll('.organise-block-item')) {
      const mine = item.querySelector('[data-session-id]')?.dataset.sessionId === id;
      item.toggleAttribute('data-selected', mine);
      item.querySelector('button').setAttribute('aria-pressed', mine ? 'true' : 'false');
    }
    renderDetail({ keepForms: !changed });
    if (focusDetail && changed) document.getElementById('organise-detail-heading')?.focus();
  }

  // --- the chosen session -------------------------------------------------------------

  function renderDetail({ keepForms = true } = {}) {
    const s = session();
    if (!s) {
      detail.replaceChildren(
        el('h3', { id: 'organise-detail-heading', tabindex: '-1' }, strings.t('selected_session')),
        el('p', { class: 'organise-help' }, strings.t('select_session_hint')),
        previewHost,
      );
      return;
    }
    const focusedAction = document.activeElement?.closest?.('#organise-detail [data-action]')?.dataset.action;
    const sections = [
      el('h3', { id: 'organise-detail-heading', tabindex: '-1', lang: s.language || null }, s.title),
      renderInfo(s),
      previewHost,
      renderActions(s),
      isPanel(s) ? renderPanelControl(s) : null,
    ];
    const keep = keepForms && state.formDirty ? detail.querySelector('#organise-edit-form') : null;
    const keepPeople = keepForms && state.peopleDraft ? detail.querySelector('#organise-people') : null;
    sections.push(keep ?? renderEditForm(s), keepPeople ?? renderPeople(s));
    detail.replaceChildren(...sections.filter(Boolean));
    if (focusedAction) detail.querySelector(`[data-action="${CSS.escape(focusedAction)}"]`)?.focus();
  }

  function renderInfo(s) {
    const late = Math.round((Date.parse(s.start) - Date.parse(s.planned_start)) / MINUTE);
    return el(
      'dl',
      { class: 'organise-facts' },
      el('dt', {}, strings.t('time_label')),
      el(
        'dd',
        {},
        el('time', { datetime: s.start, id: 'organise-detail-time' }, range(s)),
        late > 0
          ? ` (${strings.t('delayed_by', { m: late })})`
          : late < 0
            ? ` (${strings.t('early_by', { m: -late })})`
            : '',
      ),
      el('dt', {}, strings.t('stages')),
      el('dd', {}, ctx.stageName(s.stage)),
      el('dt', {}, strings.t('state_label')),
      el(
        'dd',
        { id: 'organise-detail-state', 'data-state': s.state },
        strings.t(`state_${s.state}`),
        s.published === false ? ` · ${strings.t('unpublished')}` : '',
      ),
    );
  }

  function run(dryRun, commit, note) {
    preview.run({ dryRun, commit, note });
  }

  function renderActions(s) {
    const group = el('fieldset', { class: 'organise-actions' }, el('legend', {}, strings.t('live_actions')));
    const ops = (op, body = {}) => [
      () => api.post(`${sessionPath(s.id)}/${op}`, body, { dryRun: true }),
      () => api.post(`${sessionPath(s.id)}/${op}`, body),
    ];
    const row = el('div', { class: 'organise-button-row' });
    if (s.state === 'scheduled')
      row.append(button(strings.t('start_now'), 'start-now', () => run(...ops('start-now'))));
    if (s.state === 'live') row.append(button(strings.t('end_now'), 'end-now', () => run(...ops('end-now'))));
    if (s.state === 'scheduled') row.append(button(strings.t('cancel_session'), 'cancel', () => run(...ops('cancel'))));
    if (s.state === 'cancelled')
      row.append(button(strings.t('restore_session'), 'restore', () => run(...ops('restore'))));
    if (row.children.length) group.append(row);

    if (s.state === 'scheduled' || s.state === 'live') {
      const delay = (minutes) => run(...ops('delay', { minutes, mode: 'shift_all' }));
      const custom = el('input', {
        id: 'organise-delay-minutes',
        type: 'number',
        min: '1',
        max: '600',
        step: '1',
        inputmode: 'numeric',
        value: '15',
      });
      group.append(
        el(
          'div',
          { class: 'organise-late', role: 'group', 'aria-labelledby': 'organise-late-label' },
          el('span', { id: 'organise-late-label', class: 'organise-late-label' }, strings.t('running_late')),
          el(
            'div',
            { class: 'organise-button-row' },
            button(strings.t('plus_minutes', { m: 5 }), 'delay-5', () => delay(5)),
            button(strings.t('plus_minutes', { m: 10 }), 'delay-10', () => delay(10)),
          ),
          el(
            'div',
            { class: 'organise-inline-form' },
            el('label', { for: 'organise-delay-minutes' }, strings.t('custom_minutes')),
            custom,
            button(strings.t('delay_button'), 'delay-custom', () => {
              const minutes = Number(custom.value);
              if (!Number.isInteger(minutes) || minutes < 1) {
                preview.showError({ code: 'bad_field', message: custom.validationMessage || String(custom.value) });
                custom.focus();
                return;
              }
              delay(minutes);
            }),
          ),
        ),
      );
    }

    if (s.state === 'scheduled') {
      const others = (ctx.event.sessions ?? []).filter(
        (o) => o.id !== s.id && o.state === 'scheduled' && localDate(o.start, ctx.tz) === localDate(s.start, ctx.tz),
      );
      if (others.length) {
        const target = el(
          'select',
          { id: 'organise-swap-with' },
          ...others.map((o) =>
            el('option', { value: o.id }, `${ctx.formatTime(o.start)} ${o.title} (${ctx.stageName(o.stage)})`),
          ),
        );
        group.append(
          el(
            'div',
            { class: 'organise-inline-form' },
            el('label', { for: 'organise-swap-with' }, strings.t('swap_with')),
            target,
            button(strings.t('swap'), 'swap', () => {
              const body = { sessions: [s.id, target.value] };
              run(
                () => api.post(`${eventPath()}/swap`, body, { dryRun: true }),
                () => api.post(`${eventPath()}/swap`, body),
              );
            }),
          ),
        );
      }
    }
    return group;
  }

  // --- panel: the moderator's cue -------------------------------------------------------

  async function loadPanel(id) {
    try {
      const panel = await api.get(`${sessionPath(id)}/panel`);
      if (state.selected === id) onPanel(panel);
    } catch {
      // The websocket's `panel` message brings it too.
    }
  }

  function onPanel(message) {
    if (message.session !== state.selected) return;
    state.panel = message;
    const node = detail.querySelector('#organise-panel-state');
    if (node) node.replaceWith(renderPanelState());
  }

  function renderPanelState() {
    const panel = state.panel;
    const lines = [];
    if (panel?.state === 'waiting') lines.push(strings.t('panel_waiting'));
    if (panel?.state === 'finished') lines.push(strings.t('panel_finished'));
    if (panel?.current) lines.push(strings.t('panel_speaking', { name: panel.current.name }));
    if (panel?.next) lines.push(strings.t('panel_next_up', { name: panel.next.name }));
    return el(
      'p',
      { id: 'organise-panel-state', class: 'organise-panel-state', role: 'status', 'data-state': panel?.state ?? '' },
      lines.join(' · '),
    );
  }

  function renderPanelControl(s) {
    const step = (what) => async () => {
      try {
        onPanel(await api.post(`${sessionPath(s.id)}/panel/${what}`));
      } catch (error) {
        preview.showError(error);
      }
    };
    return el(
      'fieldset',
      { class: 'organise-actions organise-panel' },
      el('legend', {}, strings.t('panel_control')),
      renderPanelState(),
      el(
        'div',
        { class: 'organise-button-row' },
        button(strings.t('panel_next'), 'panel-next', step('next'), {
          class: 'organise-button organise-button-primary',
        }),
        button(strings.t('panel_previous'), 'panel-previous', step('previous')),
        button(strings.t('panel_restart'), 'panel-restart', step('restart')),
      ),
    );
  }

  // --- the edit form --------------------------------------------------------------------

  function field(id, label, control) {
    return el('p', { class: 'organise-field' }, el('label', { for: id }, label), control);
  }

  function renderEditForm(s) {
    const title = el('input', {
      id: 'organise-edit-title',
      name: 'title',
      type: 'text',
      value: s.title,
      required: true,
      maxlength: '300',
    });
    const abstract = el('textarea', { id: 'organise-edit-abstract', name: 'abstract', rows: '3' });
    abstract.value = s.abstract ?? '';
    const theme = el('input', { id: 'organise-edit-theme', name: 'theme', type: 'text', value: s.theme ?? '' });
    const start = el('input', {
      id: 'organise-edit-start',
      name: 'start',
      type: 'text',
      inputmode: 'numeric',
      value: localClock(s.start, ctx.tz),
      pattern: '[0-2]?[0-9][:.][0-5][0-9]',
      autocomplete: 'off',
      'aria-describedby': 'organise-edit-start-hint',
    });
    const duration = el('input', {
      id: 'organise-edit-duration',
      name: 'duration',
      type: 'number',
      min: '1',
      max: '1440',
      step: '1',
      value: String(s.duration_minutes),
    });
    const form = el(
      'form',
      {
        class: 'organise-edit',
        id: 'organise-edit-form',
        novalidate: true,
        'aria-labelledby': 'organise-edit-heading',
      },
      el('h4', { id: 'organise-edit-heading' }, strings.t('edit_heading')),
      field('organise-edit-title', strings.t('field_title'), title),
      field('organise-edit-abstract', strings.t('field_abstract'), abstract),
      field('organise-edit-theme', strings.t('field_theme'), theme),
      el(
        'div',
        { class: 'organise-field-pair' },
        el(
          'p',
          { class: 'organise-field' },
          el('label', { for: 'organise-edit-start' }, strings.t('field_start', { tz: ctx.tz })),
          start,
          el('span', { class: 'organise-hint', id: 'organise-edit-start-hint' }, strings.t('bad_time_input')),
        ),
        field('organise-edit-duration', strings.t('field_duration'), duration),
      ),
      el(
        'button',
        { type: 'submit', class: 'organise-button organise-button-primary', 'data-action': 'save-edit' },
        strings.t('review_and_save'),
      ),
    );
    form.addEventListener('input', () => {
      state.formDirty = true;
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const current = session(s.id) ?? s;
      const patch = {};
      if (title.value.trim() !== current.title) patch.title = title.value.trim();
      if (abstract.value !== (current.abstract ?? '')) patch.abstract = abstract.value;
      if (theme.value.trim() !== (current.theme ?? '')) patch.theme = theme.value.trim();
      if (start.value.trim() !== localClock(current.start, ctx.tz)) {
        const ms = instantFromLocal(localDate(current.start, ctx.tz), start.value, ctx.tz);
        if (!Number.isFinite(ms)) {
          preview.showError({ code: 'bad_time', message: strings.t('bad_time_input') });
          start.focus();
          return;
        }
        patch.start = isoUtc(ms);
      }
      if (Number(duration.value) !== current.duration_minutes) patch.duration_minutes = Number(duration.value);
      run(
        () => api.patch(sessionPath(s.id), patch, { dryRun: true }),
        () => api.patch(sessionPath(s.id), patch),
      );
    });
    return form;
  }

  // --- people and their order -----------------------------------------------------------

  async function loadAllPeople() {
    if (state.allPeople) return state.allPeople;
    try {
      const file = await api.get(`${eventPath()}/programme.json`);
      state.allPeople = file.people ?? [];
    } catch {
      state.allPeople = [];
    }
    return state.allPeople;
  }

  function renderPeople(s) {
    const draft = state.peopleDraft ?? (s.people ?? []).map((p) => ({ id: p.id, name: p.name, role: p.role }));
    const section = el(
      'section',
      { class: 'organise-people', id: 'organise-people', 'aria-labelledby': 'organise-people-heading' },
      el('h4', { id: 'organise-people-heading' }, strings.t('people_heading')),
    );
    const rerender = (focusSelector) => {
      const fresh = renderPeople(session(s.id) ?? s);
      section.replaceWith(fresh);
      if (focusSelector) (fresh.querySelector(focusSelector) ?? fresh.querySelector('h4'))?.focus();
    };
    const edit = (fn, focusSelector) => {
      const next = draft.map((p) => ({ ...p }));
      fn(next);
      state.peopleDraft = next;
      rerender(focusSelector);
    };
    const list = el(
      'ol',
      { class: 'organise-people-list', id: 'organise-people-list' },
      ...draft.map((p, i) =>
        el(
          'li',
          { 'data-person': p.id },
          el('span', { class: 'organise-person-name' }, p.name),
          el('span', { class: 'organise-person-role' }, strings.role(p.role)),
          el(
            'span',
            { class: 'organise-button-row' },
            button(
              '↑',
              `up-${p.id}`,
              () => edit((d) => d.splice(i - 1, 0, ...d.splice(i, 1)), `[data-action="up-${p.id}"]`),
              { 'aria-label': strings.t('move_up', { name: p.name }), disabled: i === 0 },
            ),
            button(
              '↓',
              `down-${p.id}`,
              () => edit((d) => d.splice(i + 1, 0, ...d.splice(i, 1)), `[data-action="down-${p.id}"]`),
              { 'aria-label': strings.t('move_down', { name: p.name }), disabled: i === draft.length - 1 },
            ),
            button('✕', `remove-${p.id}`, () => edit((d) => d.splice(i, 1), '#organise-add-person'), {
              'aria-label': strings.t('remove_person', { name: p.name }),
            }),
          ),
        ),
      ),
    );
    section.append(draft.length ? list : el('p', {}, strings.t('people_none')));

    const personSelect = el('select', { id: 'organise-add-person' });
    const roleSelect = el(
      'select',
      { id: 'organise-add-role' },
      ...ROLES.map((role) =>
        el('option', { value: role, selected: role === (isPanel(s) ? 'panelist' : 'speaker') }, strings.role(role)),
      ),
    );
    loadAllPeople().then((people) => {
      const taken = new Set(draft.map((p) => p.id));
      personSelect.replaceChildren(
        ...people
          .filter((p) => !taken.has(p.id))
          .map((p) => el('option', { value: p.id }, p.affiliation ? `${p.name} – ${p.affiliation}` : p.name)),
      );
    });
    section.append(
      el(
        'div',
        { class: 'organise-inline-form' },
        el('label', { for: 'organise-add-person' }, strings.t('add_person')),
        personSelect,
        el('label', { for: 'organise-add-role' }, strings.t('role_label')),
        roleSelect,
        button(strings.t('add'), 'add-person', () => {
          const person = state.allPeople?.find((p) => p.id === personSelect.value);
          if (person)
            edit((d) => d.push({ id: person.id, name: person.name, role: roleSelect.value }), '#organise-add-person');
        }),
      ),
    );

    section.append(
      button(
        strings.t('save_people'),
        'save-people',
        () => {
          const current = session(s.id) ?? s;
          const before = (current.people ?? [])
            .map((p) => `${p.id}:${p.role}`)
            .sort()
            .join();
          const after = draft
            .map((p) => `${p.id}:${p.role}`)
            .sort()
            .join();
          if (before === after) {
            const body = { people: draft.map((p) => p.id) };
            run(
              () => api.put(`${sessionPath(s.id)}/panel-order`, body, { dryRun: true }),
              () => api.put(`${sessionPath(s.id)}/panel-order`, body),
            );
          } else {
            const body = { people: draft.map((p) => ({ person: p.id, role: p.role })) };
            run(
              () => api.patch(sessionPath(s.id), body, { dryRun: true }),
              () => api.patch(sessionPath(s.id), body),
            );
          }
        },
        { class: 'organise-button organise-button-primary' },
      ),
    );
    return section;
  }

  // --- keeping live ---------------------------------------------------------------------

  ctx.feed.addEventListener('panel', (e) => onPanel(e.detail));
  ctx.onEvent(() => {
    if (!state.visible) return;
    renderDays();
    renderTracks();
    renderDetail();
  });
  const clock = setInterval(() => {
    if (state.visible) renderTracks();
  }, 30_000);

  return {
    show() {
      state.visible = true;
      renderDays();
      renderTracks();
      renderDetail({ keepForms: false });
    },
    hide() {
      state.visible = false;
    },
    reset() {
      state.selected = null;
      state.day = null;
      state.allPeople = null;
      state.peopleDraft = null;
      state.formDirty = false;
      state.keyChange = null;
    },
    destroy() {
      clearInterval(clock);
    },
  };
}
