// The watch page (/): live player, "on now" / "up next" and the day's agenda of one
// event, kept current by the programme feed without reloads.
//
// Which event and stage: `?event=ID` and `?stage=ID` in the address, else the first
// event and its first broadcast stage. The stage switcher rewrites `?stage=` in place
// (history.replaceState) so a shared or reloaded address shows the same stage.
//
// Freshness: snapshots are applied when their revision (then server_time) is not older
// than what the page has, and a stage's now/next when its server_time is not older, so a
// slow first-paint fetch cannot undo a newer websocket message.

import { ProgrammeFeed } from './programme_feed.mjs';
import { LivePlayer } from './live_player.mjs';
import { ViewerHeartbeat } from './viewer_heartbeat.mjs';
import {
  dayFormatter, el, hasSecondPrecision, formatCountdown, markAgenda, renderAgenda, sessionsOfStage, timeFormatter, timeRange,
} from './agenda.mjs';
import { pickLanguage, stringsFor } from './strings.mjs';

const params = new URLSearchParams(window.location.search);
const strings = stringsFor(pickLanguage(navigator.languages ?? [navigator.language], params.get('lang')));
const $ = (id) => document.getElementById(id);

const state = {
  events: new Map(),      // event id -> {event, rev, serverMs}
  nowByStage: new Map(),  // stage id -> {now, next, serverMs}
  eventId: params.get('event'),
  stageId: params.get('stage'),
  clockOffsetMs: 0,       // server clock minus this browser's clock
  connection: 'connecting',
  everConnected: false,
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

function formatters(event) {
  const timeZone = event?.time_zone || 'Europe/Stockholm';
  const withSeconds = hasSecondPrecision(event?.sessions ?? []);
  return { timeZone, formatTime: timeFormatter(strings.locale, timeZone, withSeconds) };
}

// --- static text -----------------------------------------------------------------

function applyStrings() {
  document.documentElement.lang = strings.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = strings.t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-aria-label]')) {
    node.setAttribute('aria-label', strings.t(node.dataset.i18nAriaLabel));
  }
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

  document.title = event.title;
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
  $('agenda-heading').textContent = stages.length > 1 && stage
    ? strings.t('agenda_stage', { stage: stage.name })
    : strings.t('agenda');
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  $('tz-note').hidden = browserZone === timeZone;
  $('tz-note').textContent = strings.t('times_in', { tz: timeZone });

  $('agenda').dataset.precision = hasSecondPrecision(event.sessions ?? []) ? 'seconds' : 'minutes';
  renderAgenda($('agenda'), sessionsOfStage(event, state.stageId), {
    strings, formatTime, language: event.language || 'sv',
  });
  player.load(stage?.live?.hls ?? null);
  heartbeat.watch(stage?.live?.hls ? { stage: stage.id } : null);
  renderNowNext();
}

function eventDays(event, timeZone) {
  const sessions = event.sessions ?? [];
  if (!sessions.length) return '';
  const format = dayFormatter(strings.locale, timeZone);
  const first = new Date(Math.min(...sessions.map((s) => Date.parse(s.start))));
  const last = new Date(Math.max(...sessions.map((s) => Date.parse(s.end))));
  if (format.format(first) === format.format(last)) return format.format(first);
  return format.formatRange ? format.formatRange(first, last) : `${format.format(first)} – ${format.format(last)}`;
}

function renderStageSwitcher(stages) {
  const nav = $('stage-switcher');
  nav.hidden = stages.length < 2;
  if (nav.hidden) {
    nav.replaceChildren();
    return;
  }
  // Update in place when the stages are the same, so the pressed button keeps focus.
  const buttons = [...nav.querySelectorAll('button')];
  if (buttons.length === stages.length && buttons.every((button, i) => button.dataset.stageId === stages[i].id)) {
    buttons.forEach((button, i) => {
      button.textContent = stages[i].name;
      button.setAttribute('aria-pressed', String(stages[i].id === state.stageId));
    });
    return;
  }
  nav.replaceChildren(...stages.map((stage) => {
    const button = el('button', {
      type: 'button',
      class: 'stage-button',
      'data-stage-id': stage.id,
      'aria-pressed': stage.id === state.stageId ? 'true' : 'false',
    }, stage.name);
    button.addEventListener('click', () => selectStage(stage.id));
    return button;
  }));
}

function selectStage(stageId) {
  if (stageId === state.stageId) return;
  state.stageId = stageId;
  const url = new URL(window.location.href);
  url.searchParams.set('stage', stageId);
  history.replaceState(null, '', url);
  renderEvent();
  followChannels();
}

// --- now / next ------------------------------------------------------------------

function nowNextOfStage() {
  return state.nowByStage.get(state.stageId) ?? { now: null, next: null };
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
  $('now-people').lang = language;
  $('now-people').replaceChildren(...(now?.people ?? []).map((person) => el('li', {},
    el('span', { class: 'person-name' }, person.name),
    el('span', { class: 'person-role' }, strings.role(person.role)),
    person.affiliation ? el('span', { class: 'person-affiliation' }, person.affiliation) : null)));

  const nextCard = $('next-card');
  nextCard.dataset.empty = String(!next);
  nextCard.dataset.sessionId = next?.id ?? '';
  $('next-title').lang = language;
  $('next-title').textContent = next ? next.title : strings.t('nothing_next');
  $('next-time').textContent = next ? timeRange(next, formatTime) : '';

  // The lower third over the picture, for stages whose picture does not carry it
  // (docs/BROADCAST.md): the same words the burned-in one would show.
  const drawn = currentStage()?.lower_third === 'player' && now && now.kind !== 'break';
  $('lower-third').hidden = !drawn;
  $('lower-third-title').textContent = drawn ? now.title : '';
  $('lower-third-people').textContent = drawn ? now.people.map((person) => person.name).join(', ') : '';
  $('lower-third').lang = language;

  markAgenda($('agenda'), { nowId: now?.id ?? null, nextId: next?.id ?? null, nowMs: serverNow() });
  tick();
}

// Once a second: countdowns, the progress bar and which agenda items have ended.
function tick() {
  const { now, next } = nowNextOfStage();
  const t = serverNow();
  if (now) {
    const start = Date.parse(now.start);
    const end = Date.parse(now.end);
    const left = end - t;
    $('now-countdown').textContent = left > 0
      ? strings.t('ends_in', { t: formatCountdown(left) })
      : strings.t('ending_now');
    const done = end > start ? Math.min(1, Math.max(0, (t - start) / (end - start))) : 1;
    $('now-progress').style.inlineSize = `${(done * 100).toFixed(1)}%`;
  } else {
    $('now-countdown').textContent = '';
    $('now-progress').style.inlineSize = '0%';
  }
  if (next) {
    const until = Date.parse(next.start) - t;
    $('next-countdown').textContent = until > 0
      ? strings.t('starts_in', { t: formatCountdown(until) })
      : strings.t('starting_now');
  } else {
    $('next-countdown').textContent = '';
  }
  for (const item of $('agenda').children) {
    if (item.dataset.state !== 'upcoming') continue;
    const end = Date.parse(item.querySelector('.agenda-end time')?.getAttribute('datetime') ?? '');
    if (end <= t) item.dataset.state = 'past';
  }
}

// --- player ------------------------------------------------------------------------

const video = $('video');
const player = new LivePlayer(video, { onstate: renderPlayerState });
const heartbeat = new ViewerHeartbeat(video);

function renderPlayerState(playerState) {
  $('player').dataset.state = playerState;
  const message = {
    waiting: 'waiting', recovering: 'recovering', offline: 'offline', unsupported: 'unsupported',
  }[playerState];
  $('player-message').hidden = !message;
  $('player-message').textContent = message ? strings.t(message) : '';
  $('player-message').dataset.kind = playerState === 'unsupported' ? 'error' : 'info';
  renderUnmute();
}

function renderUnmute() {
  $('unmute').hidden = !(video.muted && $('player').dataset.state === 'playing');
}

$('unmute').addEventListener('click', () => {
  video.muted = false;
  if (video.volume === 0) video.volume = 1;
  video.play().catch(() => {});
  video.focus();
});
video.addEventListener('volumechange', renderUnmute);

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
    if (knownNow && knownNow.serverMs > serverMs) continue;
    state.nowByStage.set(stage.id, {
      now: byId.get(stage.now) ?? null, next: byId.get(stage.next) ?? null, serverMs,
    });
  }
  if (!state.events.has(state.eventId)) state.eventId = event.id;
  if (event.id === state.eventId) renderEvent();
  followChannels();
}

// The shown event's agenda and the shown stage's now/next; the feed keeps the
// subscriptions to exactly these across stage switches and reconnects.
function followChannels() {
  if (!state.eventId) return;
  feed.follow([`agenda:${state.eventId}`, ...(state.stageId ? [`now:${state.stageId}`] : [])]);
}

function onNow({ stage, now, next, server_time: serverTime }) {
  const serverMs = noteServerTime(serverTime);
  const known = state.nowByStage.get(stage);
  if (known && known.serverMs > serverMs) return;
  state.nowByStage.set(stage, { now, next, serverMs });
  if (stage === state.stageId) renderNowNext();
}

applyStrings();
renderPlayerState('idle');

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
});
feed.addEventListener('fetch-error', () => {
  if (!currentEvent() && !feed.connected) setConnection('load_failed');
});
feed.addEventListener('empty', () => {
  if (!currentEvent()) $('event-title').textContent = strings.t('no_event');
});
feed.start();
setInterval(tick, 1000);
