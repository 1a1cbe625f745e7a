// The speaker's phone (/speaker#t={token}): my sessions with their live times and, for a
// panel, the running order as the moderator moves it on, with "you are up next" and a
// large countdown of my speaking time. Kept live over the websocket: `panel:{session}`
// for each of my panels, `agenda:{event}` for the times.
//
// The token is the personal link's; it authorises GET /api/v1/speaker/sessions (as a bearer
// header) and lets the websocket follow my panels before they are published (in its `auth`
// message, web/programme_feed.mjs). It lives in the URL fragment, which the browser sends to
// no server: not in a request, not in a Referer, so no log or proxy keeps it.

import { ProgrammeFeed } from './programme_feed.mjs';
import { dayFormatter, el, formatCountdown, timeFormatter, timeRange } from './agenda.mjs';
import { languageSwitch } from './language_switch.mjs';
import { pickLanguage, stringsFor } from './strings.mjs';

// The token of the link: from the fragment (/speaker#t=…), or from a link handed out before
// the fragment form (/speaker/{token}), which is then rewritten in place to the fragment form
// so the address bar, history and bookmarks keep no token in a path the server would see again.
function speakerToken() {
  const fromFragment = new URLSearchParams(window.location.hash.slice(1)).get('t');
  if (fromFragment) return fromFragment;
  const legacy = /^\/speaker\/([^/]+)\/?$/.exec(window.location.pathname);
  if (!legacy) return '';
  const found = decodeURIComponent(legacy[1]);
  const fragment = new URLSearchParams({ t: found });
  history.replaceState(history.state, '', `/speaker${window.location.search}#${fragment}`);
  return found;
}

const params = new URLSearchParams(window.location.search);
const strings = stringsFor(pickLanguage(navigator.languages ?? [navigator.language], params.get('lang')));
const token = speakerToken();
const $ = (id) => document.getElementById(id);

const state = {
  me: null, // {id, name}
  sessions: new Map(), // session id -> {session, event}
  panels: new Map(), // session id -> the latest `panel` message
  clockOffsetMs: 0, // server clock minus this phone's clock
};

const serverNow = () => Date.now() + state.clockOffsetMs;

function noteServerTime(text) {
  const ms = Date.parse(text ?? '');
  if (Number.isFinite(ms)) state.clockOffsetMs = ms - Date.now();
}

function isPanel(session) {
  return session.kind === 'panel' || (session.people ?? []).length > 2;
}

function applyStrings() {
  document.documentElement.lang = strings.lang;
  $('languages').replaceChildren(languageSwitch(strings.lang, strings.t('language')));
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = strings.t(node.dataset.i18n);
}

function setConnection(kind) {
  const node = $('connection');
  node.dataset.state = kind;
  node.textContent = strings.t(kind);
}

function showMessage(key) {
  $('message').textContent = strings.t(key);
  $('message').hidden = false;
}

// --- rendering ----------------------------------------------------------------------

// My sessions by day in the event's time zone, today's marked as today; within a day in
// time order. Times are the live ones (the agenda channel replaces them as they move).
function renderSessions() {
  const entries = [...state.sessions.values()].sort((a, b) => a.session.start.localeCompare(b.session.start));
  const days = new Map(); // local date -> {label, items}
  for (const { session, event } of entries) {
    const zone = event.time_zone || 'Europe/Stockholm';
    const formatTime = timeFormatter(strings.locale, zone);
    const date = localDate(session.start, zone);
    if (!days.has(date)) {
      const label =
        date === localDate(new Date(serverNow()).toISOString(), zone)
          ? `${strings.t('today')} · ${dayFormatter(strings.locale, zone).format(new Date(session.start))}`
          : dayFormatter(strings.locale, zone).format(new Date(session.start));
      days.set(date, { label, items: [] });
    }
    const item = el(
      'li',
      { class: 'speaker-session', id: `session-${session.id}` },
      el('h3', { class: 'speaker-session-title' }, session.title),
      el(
        'p',
        { class: 'speaker-session-time' },
        el('time', { datetime: session.start }, timeRange(session, formatTime)),
      ),
      el('p', { class: 'speaker-session-role' }, session.my_role ? strings.role(session.my_role) : ''),
    );
    if (isPanel(session)) item.append(renderRunningOrder(session));
    days.get(date).items.push(item);
  }
  const sections = [...days.entries()].map(([date, day]) =>
    el(
      'li',
      { class: 'speaker-day', 'data-date': date },
      el('h2', { class: 'speaker-day-heading' }, day.label),
      el('ul', { class: 'speaker-sessions' }, ...day.items),
    ),
  );
  $('sessions').replaceChildren(...sections);
  if (!entries.length) showMessage('speaker_none');
  renderCue();
}

// "2026-11-24" in the zone.
function localDate(iso, zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );
}

function renderRunningOrder(session) {
  const panel = state.panels.get(session.id);
  const order =
    panel?.order ??
    (session.people ?? []).map((p, i) => ({
      person: p.id,
      name: p.name,
      role: p.role,
      position: i + 1,
    }));
  const status = !panel
    ? ''
    : panel.state === 'waiting'
      ? strings.t('panel_waiting')
      : panel.state === 'finished'
        ? strings.t('panel_finished')
        : '';
  const list = el(
    'ol',
    { class: 'running-order', 'aria-label': strings.t('running_order') },
    ...order.map((speaker) => {
      const current = panel?.current?.person === speaker.person;
      const next = panel?.next?.person === speaker.person;
      const mine = speaker.person === state.me?.id;
      const item = el(
        'li',
        {
          class: 'running-order-item',
          'data-person': speaker.person,
          'data-state': current ? 'current' : next ? 'next' : '',
          ...(current ? { 'aria-current': 'true' } : {}),
        },
        el('span', { class: 'running-order-name' }, mine ? `${speaker.name} (${strings.t('you')})` : speaker.name),
        el('span', { class: 'running-order-role' }, strings.role(speaker.role)),
      );
      if (current) item.append(el('span', { class: 'running-order-badge' }, strings.t('speaking_now')));
      else if (next) item.append(el('span', { class: 'running-order-badge' }, strings.t('next_in_line')));
      return item;
    }),
  );
  return el(
    'section',
    { class: 'running-order-section', 'aria-labelledby': `order-${session.id}` },
    el('h4', { id: `order-${session.id}` }, strings.t('running_order')),
    ...(status ? [el('p', { class: 'running-order-status' }, status)] : []),
    list,
  );
}

// The one line that matters most on stage: I have the floor (with my time left), or I am
// next. Re-rendered every second for the countdown.
function renderCue() {
  const cue = $('cue');
  const me = state.me?.id;
  const speaking = [...state.panels.values()].find((panel) => panel.current?.person === me);
  const next = [...state.panels.values()].find((panel) => panel.next?.person === me);
  cue.replaceChildren();
  if (speaking) {
    const leftMs = Date.parse(speaking.current.ends) - serverNow();
    cue.dataset.state = leftMs >= 0 ? 'speaking' : 'over';
    cue.append(
      el('span', { class: 'speaker-cue-label' }, strings.t('you_speak_now')),
      el(
        'span',
        { class: 'speaker-cue-countdown', 'aria-label': strings.t('your_time_left') },
        leftMs >= 0 ? formatCountdown(leftMs) : strings.t('over_time', { t: formatCountdown(-leftMs) }),
      ),
    );
  } else if (next) {
    cue.dataset.state = 'next';
    cue.append(
      el('span', { class: 'speaker-cue-label' }, strings.t('you_are_next')),
      el('span', { class: 'speaker-cue-detail' }, next.title),
    );
  }
  if (!speaking && !next) {
    // Otherwise: how long until my next session begins (within the next 12 hours).
    const upcoming = [...state.sessions.values()]
      .map(({ session }) => session)
      .filter((s) => !s.cancelled && Date.parse(s.start) > serverNow())
      .sort((a, b) => a.start.localeCompare(b.start))[0];
    const inMs = upcoming ? Date.parse(upcoming.start) - serverNow() : Infinity;
    if (inMs < 12 * 3600 * 1000) {
      cue.dataset.state = 'upcoming';
      cue.append(
        el('span', { class: 'speaker-cue-detail' }, strings.t('speaker_next_starts', { t: formatCountdown(inMs) })),
        el('span', { class: 'speaker-cue-detail' }, upcoming.title),
      );
      cue.hidden = false;
      return;
    }
  }
  cue.hidden = !speaking && !next;
}

// --- data ---------------------------------------------------------------------------

async function load() {
  const response = await fetch('/api/v1/speaker/sessions', {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    cache: 'no-store',
  });
  if (response.status === 401 || response.status === 403) {
    setConnection('connected');
    showMessage('speaker_link_invalid');
    return null;
  }
  if (!response.ok) throw new Error(`GET /api/v1/speaker/sessions: HTTP ${response.status}`);
  return response.json();
}

function onPanel(message) {
  noteServerTime(message.server_time);
  state.panels.set(message.session, message);
  renderSessions();
}

// Live times: the agenda's sessions replace mine where the ids match (my role stays).
function onSnapshot({ event }) {
  let changed = false;
  for (const session of event.sessions ?? []) {
    const mine = state.sessions.get(session.id);
    if (!mine) continue;
    state.sessions.set(session.id, { event: mine.event, session: { ...session, my_role: mine.session.my_role } });
    changed = true;
  }
  if (changed) renderSessions();
}

async function main() {
  applyStrings();
  let data = null;
  for (let attempt = 0; !data; attempt += 1) {
    try {
      data = await load();
      if (!data) return;
    } catch {
      setConnection('load_failed');
      await new Promise((resolve) => setTimeout(resolve, Math.min(15000, 1000 * 2 ** attempt)));
    }
  }
  state.me = data.person;
  if (data.person?.name) $('hello').textContent = strings.t('speaker_hello', { name: data.person.name });
  $('event-title').textContent = (data.events ?? []).map((e) => e.event.title).join(' · ');
  for (const { event, sessions } of data.events ?? []) {
    for (const session of sessions) state.sessions.set(session.id, { session, event });
  }
  renderSessions();

  const feed = new ProgrammeFeed({ token, poll: false });
  feed.addEventListener('panel', (e) => onPanel(e.detail));
  feed.addEventListener('snapshot', (e) => onSnapshot(e.detail));
  feed.addEventListener('status', (e) => setConnection(e.detail.state === 'open' ? 'connected' : 'reconnecting'));
  feed.follow([
    ...(data.events ?? []).map(({ event }) => `agenda:${event.id}`),
    ...[...state.sessions.values()]
      .filter(({ session }) => isPanel(session))
      .map(({ session }) => `panel:${session.id}`),
  ]);
  feed.start();
  setInterval(renderCue, 1000);
}

main();
