// The day's agenda as an ordered list, and the formatting shared with the now/next card.
//
// renderAgenda() rebuilds the list when the programme changes; markAgenda() only moves
// the "now"/"next"/"past" marks, so a `now` message does not rebuild the DOM (keeps
// focus and scroll position where the visitor left them).

// Times are shown in the event's time zone whatever the visitor's clock says. Seconds
// only when the programme has times off the whole minute (a sped-up demo programme).
export function timeFormatter(locale, timeZone, withSeconds = false) {
  const format = new Intl.DateTimeFormat(locale, {
    timeZone, hour: '2-digit', minute: '2-digit', second: withSeconds ? '2-digit' : undefined,
  });
  return (iso) => format.format(new Date(iso));
}

export function hasSecondPrecision(sessions) {
  return sessions.some((session) => [session.start, session.end]
    .some((iso) => Date.parse(iso) % 60000 !== 0));
}

export function dayFormatter(locale, timeZone) {
  return new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

// "12:34" under an hour, "1:02:03" from an hour on; never negative.
export function formatCountdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

export function timeRange(session, formatTime) {
  return `${formatTime(session.start)}–${formatTime(session.end)}`;
}

// Small DOM helper: el('p', {class: 'x'}, 'text', child, …).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function speakerLine(people, strings) {
  return people
    .map((person) => (person.role === 'moderator'
      ? `${person.name} (${strings.role('moderator').toLowerCase()})`
      : person.name))
    .join(', ');
}

function agendaItem(session, { strings, formatTime, language, showStage, stageName }) {
  const showKind = session.kind && session.kind !== 'talk';
  return el('li', {
    class: 'agenda-item',
    'data-session-id': session.id,
    'data-kind': session.kind,
  },
  el('div', { class: 'agenda-time' },
    el('time', { datetime: session.start }, formatTime(session.start)),
    el('span', { class: 'agenda-end' }, '–', el('time', { datetime: session.end }, formatTime(session.end)))),
  el('div', { class: 'agenda-body' },
    el('p', { class: 'agenda-badges' },
      el('span', { class: 'badge badge-now' }, strings.t('badge_now')),
      el('span', { class: 'badge badge-next' }, strings.t('badge_next')),
      showKind ? el('span', { class: 'tag tag-kind' }, strings.kind(session.kind)) : null,
      session.theme ? el('span', { class: 'tag tag-theme' },
        el('span', { class: 'visually-hidden' }, `${strings.t('theme')}: `), session.theme) : null,
      showStage && stageName ? el('span', { class: 'tag tag-stage' }, stageName) : null),
    el('h3', { class: 'agenda-title', lang: language }, session.title),
    session.people?.length
      ? el('p', { class: 'agenda-people', lang: language }, speakerLine(session.people, strings))
      : null,
    session.abstract ? el('p', { class: 'agenda-abstract', lang: language }, session.abstract) : null));
}

// Sessions of `stageId` (plus those without a known stage) in start order.
export function sessionsOfStage(event, stageId) {
  const stageIds = new Set((event.stages ?? []).map((stage) => stage.id));
  return (event.sessions ?? [])
    .filter((session) => session.stage === stageId || !stageIds.has(session.stage))
    .slice()
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || Date.parse(a.end) - Date.parse(b.end));
}

export function renderAgenda(list, sessions, options) {
  list.replaceChildren(...sessions.map((session) => agendaItem(session, options)));
}

// Marks the session on now (aria-current + data-state="now"), the next one
// (data-state="next") and the ones that have ended (data-state="past").
export function markAgenda(list, { nowId = null, nextId = null, nowMs = Date.now() } = {}) {
  for (const item of list.children) {
    const id = item.dataset.sessionId;
    const end = Date.parse(item.querySelector('.agenda-end time')?.getAttribute('datetime') ?? '');
    let state = 'upcoming';
    if (id === nowId) state = 'now';
    else if (id === nextId) state = 'next';
    else if (Number.isFinite(end) && end <= nowMs) state = 'past';
    item.dataset.state = state;
    if (state === 'now') item.setAttribute('aria-current', 'true');
    else item.removeAttribute('aria-current');
  }
}
