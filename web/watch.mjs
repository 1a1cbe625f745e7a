// The watch page (/, /event/{event}, /watch/{stage}): live player, "on now" / "up next"
// and the day's agenda of one event, kept current by the programme feed without reloads.
//
// Which event and stage: the address says (/event/{event} → that event's first broadcast
// stage, /watch/{stage} → that stage and its event; `?event=` and `?stage=` are still
// read), else the first event and its first broadcast stage. Switching stage pushes
// /watch/{stage} (history.pushState; back and forward work) without reloading.
//
// Off air: a stage without a stream, with nothing on now, or whose broadcast the
// organisers stopped (its playlist ended: the player's 'ended'), shows the next session on
// it with a countdown instead of a player (and counts no viewer). A stopped broadcast keeps
// the player watching, so the picture comes back by itself when the stage goes on air.
//
// Freshness: snapshots are applied when their revision (then server_time) is not older
// than what the page has, and a stage's now/next when its server_time is not older, so a
// slow first-paint fetch cannot undo a newer websocket message.

import { ProgrammeFeed } from './programme_feed.mjs';
import { LivePlayer } from './live_player.mjs';
import { ViewerHeartbeat } from './viewer_heartbeat.mjs';
import { createPlayerControls } from './player_controls.mjs';
import { PlayerCaptions } from './player_captions.mjs';
import {
  agendaItems,
  dayFormatter,
  el,
  hasSecondPrecision,
  formatCountdown,
  markAgenda,
  renderAgenda,
  sessionsOfStage,
  timeFormatter,
  timeRange,
} from './agenda.mjs';
import { localDate } from './organise_time.mjs';
import { pickLanguage, stringsFor, visitorLocale } from './strings.mjs';
import { languageSwitch } from './language_switch.mjs';
import watchStrings from './i18n/watch.mjs';

const params = new URLSearchParams(window.location.search);
const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
const strings = stringsFor(pickLanguage(preferred, params.get('lang')), watchStrings);
const $ = (id) => document.getElementById(id);

const locale = visitorLocale(strings, preferred);

// What the address asks for.
function addressTarget(loc = window.location) {
  const query = new URLSearchParams(loc.search);
  const [, kind, id] = loc.pathname.split('/');
  const decoded = id ? decodeURIComponent(id) : null;
  return {
    eventId: kind === 'event' ? decoded : query.get('event'),
    stageId: kind === 'watch' ? decoded : query.get('stage'),
  };
}

const state = {
  events: new Map(), // event id -> {event, rev, serverMs}
  nowByStage: new Map(), // stage id -> {now, next, serverMs}
  ...addressTarget(),
  clockOffsetMs: 0, // server clock minus this browser's clock
  everConnected: false,
  offAir: null,
  stopped: false, // the stage should be on, but its broadcast was stopped
};

const serverNow = () => Date.now() + state.clockOffsetMs;

function noteServerTime(serverTime) {
  const serverMs = Date.parse(serverTime ?? '');
  if (Number.isFinite(serverMs)) state.clockOffsetMs = serverMs - Date.now();
  return Number.isFinite(serverMs) ? serverMs : Date.now() + state.clockOffsetMs;
}

function currentEvent() {
  return state.events.get(state.eventId)?.event ?? null;
}

function currentStage() {
  return currentEvent()?.stages?.find((stage) => stage.id === state.stageId) ?? null;
}

// The event the address means: the one holding the asked-for stage, the asked-for event,
// or the first one.
function resolveEvent(fallback) {
  if (state.stageId) {
    for (const [id, { event }] of state.events) {
      if ((event.stages ?? []).some((stage) => stage.id === state.stageId)) return id;
    }
  }
  if (state.eventId && state.events.has(state.eventId)) return state.eventId;
  return fallback;
}

function formatters(event) {
  const timeZone = event?.time_zone || 'Europe/Stockholm';
  const withSeconds = hasSecondPrecision(event?.sessions ?? []);
  return { timeZone, formatTime: timeFormatter(locale, timeZone, withSeconds) };
}

const sessionIcs = (session) =>
  `/api/v1/events/${encodeURIComponent(session.event)}/sessions/${encodeURIComponent(session.id)}/session.ics`;

// --- static text -----------------------------------------------------------------

function applyStrings() {
  document.documentElement.lang = strings.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = strings.t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-aria-label]')) {
    node.setAttribute('aria-label', strings.t(node.dataset.i18nAriaLabel));
  }
  renderLanguageSwitch();
}

// Rebuilt after every address change so each link keeps the stage being watched.
function renderLanguageSwitch() {
  $('language-switch').replaceChildren(languageSwitch(strings.lang, strings.t('language')));
  const replays = new URL('/replays', window.location.href);
  if (params.get('lang')) replays.searchParams.set('lang', strings.lang);
  if (state.eventId) replays.searchParams.set('event', state.eventId);
  $('replays-link').href = replays.pathname + replays.search;
}

function setConnection(kind) {
  const node = $('connection');
  node.dataset.state = kind;
  node.textContent = strings.t(kind);
}

// --- event, stages, agenda ---------------------------------------------------------

function renderEvent() {
  const event = currentEvent();
  if (!event) return;
  const { timeZone, formatTime } = formatters(event);

  $('event-heading').lang = event.language || 'sv';
  $('event-title').textContent = event.title;
  $('event-organiser').textContent = (event.organisers ?? []).join(', ');
  $('event-venue').textContent = event.venue ?? '';
  $('event-date').textContent = eventDays(event, timeZone);
  $('meta-separator').hidden = !($('event-date').textContent && event.venue);
  $('event-description').lang = event.language || 'sv';
  $('event-description').textContent = event.description ?? '';
  $('event-description').hidden = !event.description;

  const stages = event.stages ?? [];
  if (!stages.some((stage) => stage.id === state.stageId)) {
    state.stageId = (stages.find((stage) => stage.live?.hls) ?? stages[0])?.id ?? null;
  }
  renderStageSwitcher(stages);

  const stage = currentStage();
  document.title = stages.length > 1 && stage ? `${stage.name} – ${event.title}` : event.title;
  $('agenda-heading').textContent =
    stages.length > 1 && stage ? strings.t('agenda_stage', { stage: stage.name }) : strings.t('agenda');
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  $('tz-note').hidden = browserZone === timeZone;
  $('tz-note').textContent = strings.t('times_in', { tz: timeZone });
  $('video').setAttribute('aria-label', strings.t('video_label', { stage: stage?.name ?? event.title }));

  // The whole programme, and each day the agenda shows, as calendar files (docs/API.md,
  // "Formats").
  const sessions = sessionsOfStage(event, state.stageId);
  const ics = `/api/v1/events/${encodeURIComponent(event.id)}/schedule.ics`;
  $('event-calendar').hidden = false;
  $('event-ics').href = ics;
  $('event-ics').setAttribute('download', `${event.id}.ics`);
  renderDayCalendars(event, sessions, ics, timeZone);

  $('agenda').dataset.precision = hasSecondPrecision(event.sessions ?? []) ? 'seconds' : 'minutes';
  renderAgenda($('agenda'), sessions, {
    strings,
    formatTime,
    language: event.language || 'sv',
    timeZone,
    locale,
    calendarUrl: sessionIcs,
  });
  renderNowNext();
}

// "Add the day to your calendar", once for each day of the agenda: the event's local dates
// its sessions start on, as the server counts a day (a session over midnight is in the day
// it starts; a cancelled one makes no day of its own). The day is in each link's name, and
// shown when the agenda has more than one.
function renderDayCalendars(event, sessions, ics, timeZone) {
  const firstStarts = new Map();
  for (const session of sessions) {
    if (session.state === 'cancelled') continue;
    const day = localDate(session.start, timeZone);
    if (!firstStarts.has(day)) firstStarts.set(day, session.start);
  }
  const format = dayFormatter(locale, timeZone);
  $('day-calendars').replaceChildren(
    ...[...firstStarts].map(([day, start]) =>
      el(
        'a',
        {
          class: 'day-ics',
          'data-day': day,
          href: `${ics}?day=${day}`,
          download: `${event.id}-${day}.ics`,
        },
        strings.t('calendar_day'),
        el('span', { class: firstStarts.size > 1 ? null : 'visually-hidden' }, ` (${format.format(new Date(start))})`),
      ),
    ),
  );
}

function eventDays(event, timeZone) {
  const sessions = event.sessions ?? [];
  if (!sessions.length) return '';
  const format = dayFormatter(locale, timeZone);
  const first = new Date(Math.min(...sessions.map((s) => Date.parse(s.start))));
  const last = new Date(Math.max(...sessions.map((s) => Date.parse(s.end))));
  if (format.format(first) === format.format(last)) return format.format(first);
  return format.formatRange ? format.formatRange(first, last) : `${format.format(first)} – ${format.format(last)}`;
}

function stageHref(stageId) {
  const url = new URL(`/watch/${encodeURIComponent(stageId)}`, window.location.href);
  if (params.get('lang')) url.searchParams.set('lang', params.get('lang'));
  return url.pathname + url.search;
}

// Links (they work without script, open in a new tab, and can be shared); a plain click
// switches in place.
function renderStageSwitcher(stages) {
  const nav = $('stage-switcher');
  const list = $('stage-list');
  nav.hidden = stages.length < 2;
  if (nav.hidden) {
    list.replaceChildren();
    return;
  }
  // Update in place when the stages are the same, so the chosen link keeps focus.
  const links = [...list.querySelectorAll('a')];
  const same = links.length === stages.length && links.every((link, i) => link.dataset.stageId === stages[i].id);
  if (!same) {
    list.replaceChildren(
      ...stages.map((stage) => {
        const link = el('a', { class: 'stage-button', 'data-stage-id': stage.id, href: stageHref(stage.id) });
        link.addEventListener('click', (e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          selectStage(stage.id);
        });
        return el('li', {}, link);
      }),
    );
  }
  list.querySelectorAll('a').forEach((link, i) => {
    const stage = stages[i];
    link.replaceChildren(
      stage.name,
      ...(stage.live?.hls ? [] : [el('span', { class: 'watch-stage-note' }, ` (${strings.t('stage_no_stream')})`)]),
    );
    if (stage.id === state.stageId) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
}

function selectStage(stageId, { push = true } = {}) {
  if (stageId === state.stageId) return;
  state.stageId = stageId;
  if (push) history.pushState({ stage: stageId }, '', stageHref(stageId));
  renderLanguageSwitch();
  renderEvent();
  followChannels();
}

window.addEventListener('popstate', () => {
  const target = addressTarget();
  const event = currentEvent();
  const stageId =
    target.stageId ?? (event?.stages ?? []).find((stage) => stage.live?.hls)?.id ?? event?.stages?.[0]?.id ?? null;
  if (stageId) {
    state.stageId = null; // force the switch
    selectStage(stageId, { push: false });
  }
});

// --- now / next ------------------------------------------------------------------

function nowNextOfStage() {
  return state.nowByStage.get(state.stageId) ?? { now: null, next: null };
}

// The next session on the shown stage: the server's `next`, else the first one of the
// stage that has not started (for a stage the clock has not judged yet).
function nextOnStage() {
  const { next } = nowNextOfStage();
  if (next) return next;
  const event = currentEvent();
  if (!event) return null;
  const t = serverNow();
  return (
    sessionsOfStage(event, state.stageId).find(
      (s) => s.stage === state.stageId && s.state !== 'cancelled' && Date.parse(s.start) > t,
    ) ?? null
  );
}

function renderNowNext() {
  const event = currentEvent();
  if (!event) return;
  const { formatTime } = formatters(event);
  const language = event.language || 'sv';
  const { now, next } = nowNextOfStage();

  const nowCard = $('now-card');
  nowCard.dataset.empty = String(!now);
  nowCard.dataset.sessionId = now?.id ?? '';
  $('now-title').lang = language;
  $('now-title').textContent = now ? now.title : strings.t('nothing_now');
  $('now-time').textContent = now ? timeRange(now, formatTime) : '';
  $('now-theme').hidden = !now?.theme;
  $('now-theme').textContent = now?.theme ? strings.t('theme_label', { theme: now.theme }) : '';
  $('now-people').lang = language;
  $('now-people').replaceChildren(
    ...(now?.people ?? []).map((person) =>
      el(
        'li',
        {},
        el('span', { class: 'person-name' }, person.name),
        el('span', { class: 'person-role' }, strings.role(person.role)),
        person.affiliation ? el('span', { class: 'person-affiliation' }, person.affiliation) : null,
      ),
    ),
  );

  const nextCard = $('next-card');
  nextCard.dataset.empty = String(!next);
  nextCard.dataset.sessionId = next?.id ?? '';
  $('next-title').lang = language;
  $('next-title').textContent = next ? next.title : strings.t('nothing_next');
  $('next-time').textContent = next ? timeRange(next, formatTime) : '';
  $('next-theme').hidden = !next?.theme;
  $('next-theme').textContent = next?.theme ? strings.t('theme_label', { theme: next.theme }) : '';
  $('next-ics').hidden = !next || next.kind === 'break';
  if (next) $('next-ics').href = sessionIcs(next);
  $('next-ics-title').textContent = next ? `: ${next.title}` : '';

  // The lower third over the picture, for stages whose picture does not carry it
  // (docs/BROADCAST.md): the same words the burned-in one would show.
  const drawn = currentStage()?.lower_third === 'player' && now && now.kind !== 'break';
  $('lower-third').hidden = !drawn;
  $('lower-third-title').textContent = drawn ? now.title : '';
  $('lower-third-people').textContent = drawn ? now.people.map((person) => person.name).join(', ') : '';
  $('lower-third').lang = language;

  markAgenda($('agenda'), { nowId: now?.id ?? null, nextId: next?.id ?? null, nowMs: serverNow() });
  renderOffAir();
  tick();
}

// Plays the stage's stream while something is on it; otherwise the off-air card.
let renderingOffAir = false; // player.load() reports states while this runs

function renderOffAir() {
  const stage = currentStage();
  const event = currentEvent();
  if (!stage || !event) return;
  const { now } = nowNextOfStage();
  const hls = stage.live?.hls ?? null;
  const planned = Boolean(hls && now);
  renderingOffAir = true;
  try {
    player.load(planned ? hls : null);
  } finally {
    renderingOffAir = false;
  }
  const stopped = planned && player.state === 'ended';
  const offAir = !planned || stopped;
  state.offAir = offAir;
  state.stopped = stopped;
  $('player').dataset.offAir = String(offAir);
  $('off-air').hidden = !offAir;
  $('player-controls').hidden = offAir;
  heartbeat.watch(offAir ? null : { stage: stage.id });
  controls.renderState(player.state);
  if (!offAir) return;

  const { formatTime } = formatters(event);
  const reason = stopped
    ? strings.t('off_air_stopped', { stage: stage.name })
    : hls
      ? ''
      : strings.t('off_air_no_stream', { stage: stage.name });
  $('off-air-reason').textContent = reason;
  $('off-air-reason').hidden = !reason;
  const next = nextOnStage();
  $('off-air-next').hidden = !next;
  $('off-air').dataset.sessionId = next?.id ?? '';
  if (next) {
    $('off-air-next-label').textContent = strings.t('off_air_next', { stage: stage.name });
    $('off-air-title').textContent = next.title;
    $('off-air-title').lang = event.language || 'sv';
    $('off-air-time').textContent = timeRange(next, formatTime);
    $('off-air-ics').href = sessionIcs(next);
  } else {
    $('off-air-reason').hidden = false;
    $('off-air-reason').textContent = [reason, strings.t('off_air_nothing')].filter(Boolean).join(' ');
  }
}

// Once a second: countdowns, the progress bar and which agenda items have ended.
function tick() {
  const { now, next } = nowNextOfStage();
  const t = serverNow();
  if (now) {
    const start = Date.parse(now.start);
    const end = Date.parse(now.end);
    const left = end - t;
    $('now-countdown').textContent =
      left > 0 ? strings.t('ends_in', { t: formatCountdown(left) }) : strings.t('ending_now');
    const done = end > start ? Math.min(1, Math.max(0, (t - start) / (end - start))) : 1;
    $('now-progress').style.inlineSize = `${(done * 100).toFixed(1)}%`;
  } else {
    $('now-countdown').textContent = '';
    $('now-progress').style.inlineSize = '0%';
  }
  if (next) {
    const until = Date.parse(next.start) - t;
    $('next-countdown').textContent =
      until > 0 ? strings.t('starts_in', { t: formatCountdown(until) }) : strings.t('starting_now');
  } else {
    $('next-countdown').textContent = '';
  }
  if (state.offAir) {
    const upcoming = nextOnStage();
    const until = upcoming ? Date.parse(upcoming.start) - t : 0;
    $('off-air-countdown').textContent = !upcoming
      ? ''
      : until > 0
        ? strings.t('starts_in', { t: formatCountdown(until) })
        : strings.t('starting_now');
  }
  for (const item of agendaItems($('agenda'))) {
    if (item.dataset.state !== 'upcoming') continue;
    const end = Date.parse(item.querySelector('.agenda-end time')?.getAttribute('datetime') ?? '');
    if (end <= t) item.dataset.state = 'past';
  }
}

// --- player ------------------------------------------------------------------------

const video = $('video');
// The player's callbacks reach `controls`, made just below: LivePlayer calls none of them
// while it is being constructed.
const player = new LivePlayer(video, {
  // The broadcast stopping or coming back changes the card, not only the player's message.
  onstate: (playerState) => {
    if (!renderingOffAir && (playerState === 'ended') !== state.stopped) renderOffAir();
    else controls.renderState(playerState);
  },
  onlevels: (levels) => controls.renderLevels(levels),
  onlevel: (index) => controls.renderCurrentLevel(index),
  onhls: (hls) => captions.attach(hls),
});
const controls = createPlayerControls({ player, video, strings, isOffAir: () => Boolean(state.offAir) });
// The captions button is the page's own (beside play); the rest follows it in the bar.
const captions = new PlayerCaptions({
  video,
  styleRoot: $('player'),
  bar: $('player-controls'),
  button: $('captions'),
  lang: strings.lang,
  announce: controls.announce,
  descriptionAfter: $('player-shell'),
});
const heartbeat = new ViewerHeartbeat(video);
// For the browser tests and for support staff looking at a viewer's player in the console.
window.stagehubPlayer = player;

// --- feed --------------------------------------------------------------------------

function onSnapshot({ event, rev, server_time: serverTime }) {
  if (!event?.id) return;
  const serverMs = noteServerTime(serverTime);
  const known = state.events.get(event.id);
  const revision = Number(rev ?? 0);
  if (known && (revision < known.rev || (revision === known.rev && serverMs < known.serverMs))) return;
  state.events.set(event.id, { event, rev: revision, serverMs });

  const byId = new Map((event.sessions ?? []).map((session) => [session.id, session]));
  for (const stage of event.stages ?? []) {
    const knownNow = state.nowByStage.get(stage.id);
    // Which sessions are on now and next is the `now` channel's word once it has spoken:
    // a snapshot made from a delta carries its stages' now/next as they were at the first
    // snapshot. The session objects are taken from the snapshot all the same, as a delta
    // (a delay) moves their times.
    if (knownNow?.fromChannel) {
      state.nowByStage.set(stage.id, {
        ...knownNow,
        now: knownNow.now ? (byId.get(knownNow.now.id) ?? knownNow.now) : null,
        next: knownNow.next ? (byId.get(knownNow.next.id) ?? knownNow.next) : null,
      });
      continue;
    }
    if (knownNow && knownNow.serverMs > serverMs) continue;
    state.nowByStage.set(stage.id, {
      now: byId.get(stage.now) ?? null,
      next: byId.get(stage.next) ?? null,
      serverMs,
      fromChannel: false,
    });
  }
  const eventId = resolveEvent(state.eventId && state.events.has(state.eventId) ? state.eventId : event.id);
  const changed = eventId !== state.eventId;
  state.eventId = eventId;
  if (changed) renderLanguageSwitch();
  if (event.id === state.eventId || changed) renderEvent();
  followChannels();
}

// The shown event's agenda and the shown stage's now/next; the feed keeps the
// subscriptions to exactly these across stage switches and reconnects.
function followChannels() {
  if (!state.eventId || !state.events.has(state.eventId)) return;
  feed.follow([`agenda:${state.eventId}`, ...(state.stageId ? [`now:${state.stageId}`] : [])]);
}

function onNow({ stage, now, next, server_time: serverTime }) {
  const serverMs = noteServerTime(serverTime);
  const known = state.nowByStage.get(stage);
  if (known && known.serverMs > serverMs) return;
  state.nowByStage.set(stage, { now, next, serverMs, fromChannel: true });
  if (stage === state.stageId) renderNowNext();
}

applyStrings();
controls.renderState('idle');
controls.renderVolume();

const feed = new ProgrammeFeed();
feed.addEventListener('snapshot', (e) => onSnapshot(e.detail));
feed.addEventListener('now', (e) => onNow(e.detail));
feed.addEventListener('status', (e) => {
  if (e.detail.state === 'open') {
    // A restarted server may count revisions from scratch: its first snapshots win.
    for (const known of state.events.values()) known.rev = -Infinity;
    state.everConnected = true;
    setConnection('connected');
  } else if (state.everConnected || e.detail.attempt > 0) {
    setConnection('reconnecting');
  }
  // While the socket is down, the polled programme is the freshest word on now/next.
  if (e.detail.state === 'closed') for (const known of state.nowByStage.values()) known.fromChannel = false;
});
feed.addEventListener('fetch-error', () => {
  if (!currentEvent() && !feed.connected) setConnection('load_failed');
});
feed.addEventListener('empty', () => {
  if (!currentEvent()) $('event-title').textContent = strings.t('no_event');
});
feed.start();
setInterval(tick, 1000);
