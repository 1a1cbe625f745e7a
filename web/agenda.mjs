// The day's agenda as an ordered list, and the formatting shared with the now/next card.
//
// renderAgenda() rebuilds the list when the programme changes; markAgenda() only moves
// the "now"/"next"/"past" marks, so a `now` message does not rebuild the DOM (keeps
// focus and scroll position where the visitor left them).

// Times are shown in the event's time zone whatever the visitor's clock says. Seconds
// only when the programme has times off the whole minute (a sped-up demo programme).
export function timeFormatter(locale, timeZone, withSeconds = false) {
  const format = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: withSeconds ? '2-digit' : undefined,
  });
  return (iso) => format.format(new Date(iso));
}

export function hasSecondPrecision(sessions) {
  return sessions.some((session) => [session.start, session.end].some((iso) => Date.parse(iso) % 60000 !== 0));
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
// `style` is an object of CSS properties ({top: '4px', '--stages': 3}), set through the
// CSSOM: the pages' Content-Security-Policy (style-src 'self', server/http/security_headers.cpp)
// refuses style attributes, so a style string is an error here rather than a silent no-op.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'style') {
      if (typeof value !== 'object') throw new TypeError('el(): style must be an object of CSS properties');
      for (const [property, setting] of Object.entries(value)) node.style.setProperty(property, String(setting));
      continue;
    }
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
    .map((person) =>
      person.role === 'moderator' ? `${person.name} (${strings.role('moderator').toLowerCase()})` : person.name,
    )
    .join(', ');
}

function agendaItem(session, { strings, formatTime, language, showStage, stageName, calendarUrl }) {
  const showKind = session.kind && session.kind !== 'talk';
  const ics = calendarUrl?.(session);
  return el(
    'li',
    {
      class: 'agenda-item',
      'data-session-id': session.id,
      'data-kind': session.kind,
      'data-cancelled': session.state === 'cancelled' ? 'true' : null,
    },
    el(
      'div',
      { class: 'agenda-time' },
      el('time', { class: 'agenda-start', datetime: session.start }, formatTime(session.start)),
      el('span', { class: 'agenda-end' }, '–', el('time', { datetime: session.end }, formatTime(session.end))),
    ),
    el(
      'div',
      { class: 'agenda-body' },
      el(
        'p',
        { class: 'agenda-badges' },
        el('span', { class: 'badge badge-now' }, strings.t('badge_now')),
        el('span', { class: 'badge badge-next' }, strings.t('badge_next')),
        showKind ? el('span', { class: 'tag tag-kind' }, strings.kind(session.kind)) : null,
        session.theme
          ? el(
              'span',
              { class: 'tag tag-theme' },
              el('span', { class: 'visually-hidden' }, `${strings.t('theme')}: `),
              session.theme,
            )
          : null,
        showStage && stageName ? el('span', { class: 'tag tag-stage' }, stageName) : null,
      ),
      el('h4', { class: 'agenda-title', lang: language }, session.title),
      session.people?.length
        ? el('p', { class: 'agenda-people', lang: language }, speakerLine(session.people, strings))
        : null,
      session.abstract ? el('p', { class: 'agenda-abstract', lang: language }, session.abstract) : null,
      ics && session.kind !== 'break'
        ? el(
            'p',
            { class: 'agenda-actions' },
            el(
              'a',
              { class: 'agenda-ics', href: ics, download: `${session.id}.ics` },
              strings.t('add_session_to_calendar'),
              el('span', { class: 'visually-hidden' }, `: ${session.title}`),
            ),
          )
        : null,
    ),
  );
}

// Sessions of `stageId` (plus those without a known stage) in start order.
export function sessionsOfStage(event, stageId) {
  const stageIds = new Set((event.stages ?? []).map((stage) => stage.id));
  return (event.sessions ?? [])
    .filter((session) => session.stage === stageId || !stageIds.has(session.stage))
    .slice()
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || Date.parse(a.end) - Date.parse(b.end));
}

// The hour (in the event's zone) a session starts in: the agenda's groups. A day reads
// as "from 09:00, from 10:00, …", so a visitor scanning for the afternoon finds it by
// its headings (and a screen reader user by its heading list).
function hourKey(iso, timeZone) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}`;
}

// Rebuilds the list: one <li class="agenda-group"> per hour with a heading and the
// sessions starting in it. Options: strings, formatTime, language, timeZone, locale,
// calendarUrl(session) for the "add to calendar" links.
export function renderAgenda(list, sessions, options) {
  const { strings, timeZone = 'Europe/Stockholm', locale = strings.locale } = options;
  const groups = [];
  for (const session of sessions) {
    const key = hourKey(session.start, timeZone);
    if (groups.at(-1)?.key !== key) groups.push({ key, sessions: [] });
    groups.at(-1).sessions.push(session);
  }
  const days = new Set(groups.map((group) => group.key.slice(0, 10)));
  const hourFormat = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
  const dayFormat = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short' });
  list.replaceChildren(
    ...groups.map((group) => {
      // The top of the hour of the first session, in the event's zone.
      const first = new Date(group.sessions[0].start);
      const minutes = Number(new Intl.DateTimeFormat('en-GB', { timeZone, minute: '2-digit' }).format(first));
      const top = new Date(
        first.getTime() - (minutes * 60 + first.getUTCSeconds()) * 1000 - first.getUTCMilliseconds(),
      );
      const label = strings.t('group_at', { time: hourFormat.format(top) });
      return el(
        'li',
        { class: 'agenda-group', 'data-group': group.key },
        el(
          'h3',
          { class: 'agenda-group-heading' },
          days.size > 1 ? `${dayFormat.format(first)} · ` : null,
          el('time', { datetime: top.toISOString() }, label),
        ),
        el(
          'ol',
          { class: 'agenda-items' },
          group.sessions.map((session) => agendaItem(session, options)),
        ),
      );
    }),
  );
}

// Every session item of a list, grouped or not.
export function agendaItems(list) {
  return [...list.querySelectorAll('.agenda-item')];
}

// Marks the session on now (aria-current + data-state="now"), the next one
// (data-state="next") and the ones that have ended (data-state="past").
export function markAgenda(list, { nowId = null, nextId = null, nowMs = Date.now() } = {}) {
  for (const item of agendaItems(list)) {
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
  for (const group of list.querySelectorAll('.agenda-group')) {
    const states = [...group.querySelectorAll('.agenda-item')].map((item) => item.dataset.state);
    group.dataset.state = states.includes('now') ? 'now' : states.every((state) => state === 'past') ? 'past' : '';
  }
}
