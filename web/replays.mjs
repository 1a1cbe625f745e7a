// The replays library (/replays; /replays.html still works): every replay the server lists
// (GET /api/v1/replays), grouped by the day of its event, searchable by title, speaker and
// theme, filtered by event and day; each plays as an HLS VOD playlist with hls.js (or
// natively where the browser plays HLS itself). "Watch the whole day" plays a day's
// replays one after another, moving on when one ends.
//
// The address keeps the choice: ?session=ID opens one, ?q=, ?event=, ?day= the filters,
// ?lang= the language; they are rewritten in place (history.replaceState).
//
// Days are the event's own days (its opening hours, GET /api/v1/programme), so a
// multi-day event reads "Day 1", "Day 2"; an event without days falls back to calendar
// dates in its time zone.

import Hls from '/vendor/hls.js/dist/hls.mjs';

import { pickLanguage, stringsFor, visitorLocale } from '/strings.mjs';
import { ViewerHeartbeat } from '/viewer_heartbeat.mjs';
import { languageSwitch } from '/language_switch.mjs';
import { el } from '/agenda.mjs';
import { PlayerCaptions } from '/player_captions.mjs';
import replaysStrings from '/i18n/replays.mjs';

const params = new URLSearchParams(window.location.search);
const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
const strings = stringsFor(pickLanguage(preferred, params.get('lang')), replaysStrings);
const locale = visitorLocale(strings, preferred);
const $ = (id) => document.getElementById(id);
const video = $('video');
const heartbeat = new ViewerHeartbeat(video);
const captions = new PlayerCaptions({
  video,
  styleRoot: $('player'),
  bar: $('caption-bar'),
  lang: strings.lang,
  descriptionAfter: $('caption-bar'),
});

const state = {
  replays: [], // as listed, each with .dayKey, .dayLabel, .eventTitle, .timeZone
  events: new Map(), // event id -> event (title, time_zone, days)
  days: new Map(), // day key -> {key, event, label, order}
  current: null, // the replay playing
  playlist: null, // {key, items, index} while watching a whole day
};
let hls = null;

const speakers = (replay) => (replay.speakers ?? []).map((p) => p.name).join(', ');

function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return strings.t('duration_s', { s });
  const m = Math.round(s / 60);
  if (m < 60) return strings.t('duration_m', { m });
  return strings.t('duration_hm', { h: Math.floor(m / 60), m: m % 60 });
}

// --- days ----------------------------------------------------------------------------

function localDate(iso, timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );
}

// Which day of its event a replay belongs to: {key, label, order}.
function dayOf(replay) {
  const event = state.events.get(replay.event);
  const timeZone = event?.time_zone || 'Europe/Stockholm';
  const dateFormat = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long' });
  const at = Date.parse(replay.from);
  const days = event?.days ?? [];
  const index = days.findIndex((day) => Date.parse(day.start) <= at && at < Date.parse(day.end));
  if (index >= 0) {
    return {
      key: `${replay.event}/${index + 1}`,
      label:
        days.length > 1
          ? strings.t('day_n', { n: index + 1, date: dateFormat.format(new Date(days[index].start)) })
          : dateFormat.format(new Date(days[index].start)),
      order: Date.parse(days[index].start),
    };
  }
  const date = localDate(replay.from, timeZone);
  return { key: `${replay.event}/${date}`, label: dateFormat.format(new Date(at)), order: at };
}

// --- filters -----------------------------------------------------------------------

function normalise(text) {
  return String(text ?? '')
    .toLocaleLowerCase(locale)
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}

function matches(replay, words) {
  if (!words.length) return true;
  const haystack = normalise([replay.title, speakers(replay), replay.theme].join(' '));
  return words.every((word) => haystack.includes(word));
}

function filtered() {
  const words = normalise($('search').value).split(/\s+/).filter(Boolean);
  const event = $('filter-event').value;
  const day = $('filter-day').value;
  return state.replays.filter(
    (replay) => (!event || replay.event === event) && (!day || replay.dayKey === day) && matches(replay, words),
  );
}

function renderFilters() {
  const events = [...new Set(state.replays.map((r) => r.event))];
  const eventSelect = $('filter-event');
  const wantedEvent = eventSelect.value || params.get('event') || '';
  eventSelect.replaceChildren(
    el('option', { value: '' }, strings.t('all_events')),
    ...events.map((id) => el('option', { value: id }, state.events.get(id)?.title ?? id)),
  );
  eventSelect.value = events.includes(wantedEvent) ? wantedEvent : '';
  renderDayFilter(params.get('day'));
}

function renderDayFilter(wanted = $('filter-day').value) {
  const event = $('filter-event').value;
  const several = new Set(state.replays.map((r) => r.event)).size > 1 && !event;
  const days = [...state.days.values()]
    .filter((day) => !event || day.event === event)
    .sort((a, b) => a.order - b.order);
  const select = $('filter-day');
  select.replaceChildren(
    el('option', { value: '' }, strings.t('all_days')),
    ...days.map((day) =>
      el(
        'option',
        { value: day.key },
        several ? `${state.events.get(day.event)?.title ?? day.event}: ${day.label}` : day.label,
      ),
    ),
  );
  select.value = days.some((day) => day.key === wanted) ? wanted : '';
}

function keepAddress() {
  const url = new URL(window.location.href);
  const set = (name, value) => (value ? url.searchParams.set(name, value) : url.searchParams.delete(name));
  set('q', $('search').value.trim());
  set('event', $('filter-event').value);
  set('day', $('filter-day').value);
  set('session', state.current?.session);
  history.replaceState(null, '', url.pathname + url.search);
  renderLanguageSwitch();
}

// --- the list ----------------------------------------------------------------------

function render() {
  const shown = filtered();
  const count = shown.length;
  $('replays-empty').hidden = state.replays.length > 0;
  $('replays-count').textContent = !state.replays.length
    ? ''
    : count === 0
      ? strings.t('no_results')
      : count === 1
        ? strings.t('results_one')
        : strings.t('results', { n: count });

  const byDay = new Map();
  for (const replay of shown) {
    if (!byDay.has(replay.dayKey)) byDay.set(replay.dayKey, []);
    byDay.get(replay.dayKey).push(replay);
  }
  const several = new Set(shown.map((r) => r.event)).size > 1;
  const groups = [...byDay.entries()].sort(([a], [b]) => state.days.get(a).order - state.days.get(b).order);
  $('replays').replaceChildren(
    ...groups.map(([key, replays]) => {
      const day = state.days.get(key);
      const label = several ? `${state.events.get(day.event)?.title ?? day.event} – ${day.label}` : day.label;
      const headingId = `day-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
      const whole = el(
        'button',
        { type: 'button', class: 'replays-button replays-watch-day', 'data-day': key },
        strings.t('watch_day'),
        el('span', { class: 'visually-hidden' }, `: ${label}`),
      );
      whole.addEventListener('click', () => playDay(key));
      return el(
        'li',
        { class: 'replays-day', 'data-day': key, 'aria-labelledby': headingId },
        el(
          'div',
          { class: 'replays-day-head' },
          el('h3', { class: 'replays-day-heading', id: headingId }, label),
          whole,
        ),
        el('ol', { class: 'replays-list' }, replays.map(replayItem)),
      );
    }),
  );
  markPlaying();
}

function replayItem(replay) {
  const event = state.events.get(replay.event);
  const timeZone = event?.time_zone || 'Europe/Stockholm';
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
  const button = el(
    'button',
    { type: 'button', class: 'replays-play' },
    strings.t('play_replay'),
    el('span', { class: 'visually-hidden' }, `: ${replay.title}`),
  );
  button.addEventListener('click', () => {
    stopPlaylist();
    play(replay, { focus: true });
  });
  const language = event?.language || 'sv';
  return el(
    'li',
    { class: 'replays-item', 'data-session-id': replay.session },
    replay.poster
      ? el('img', { class: 'replays-poster', src: replay.poster, alt: '', loading: 'lazy', width: 320, height: 180 })
      : el('div', { class: 'replays-poster replays-poster-none', 'aria-hidden': 'true' }, replay.theme || ''),
    el(
      'div',
      { class: 'replays-item-body' },
      el(
        'p',
        { class: 'replays-item-meta' },
        el(
          'time',
          { datetime: replay.from },
          `${time.format(new Date(replay.from))}–${time.format(new Date(replay.to))}`,
        ),
        ' · ',
        el(
          'span',
          { class: 'replays-duration' },
          el('span', { class: 'visually-hidden' }, `${strings.t('duration_label')}: `),
          formatDuration(replay.duration_seconds),
        ),
        replay.theme
          ? el(
              'span',
              { class: 'tag tag-theme' },
              el('span', { class: 'visually-hidden' }, `${strings.t('theme')}: `),
              replay.theme,
            )
          : null,
      ),
      el('h4', { class: 'replays-item-title', lang: language }, replay.title),
      speakers(replay) ? el('p', { class: 'replays-item-people', lang: language }, speakers(replay)) : null,
      replay.abstract ? el('p', { class: 'replays-item-abstract', lang: language }, replay.abstract) : null,
      el(
        'p',
        { class: 'replays-item-actions' },
        button,
        el('span', { class: 'replays-playing-badge' }, strings.t('playing')),
      ),
    ),
  );
}

function markPlaying() {
  for (const item of $('replays').querySelectorAll('.replays-item')) {
    const playing = item.dataset.sessionId === state.current?.session;
    item.dataset.playing = String(playing);
    if (playing) item.setAttribute('aria-current', 'true');
    else item.removeAttribute('aria-current');
  }
}

// --- playing -----------------------------------------------------------------------

function play(replay, { focus = false } = {}) {
  state.current = replay;
  const event = state.events.get(replay.event);
  const language = event?.language || 'sv';
  $('replay-heading').textContent = replay.title;
  $('replay-heading').lang = language;
  $('replay-people').textContent = speakers(replay);
  $('replay-people').lang = language;
  $('replay-abstract').textContent = replay.abstract ?? '';
  $('replay-abstract').lang = language;
  $('replay-meta').textContent = [replay.dayLabel, formatDuration(replay.duration_seconds), replay.theme]
    .filter(Boolean)
    .join(' · ');
  $('replay-choose').hidden = true;
  video.dataset.session = replay.session;
  if (replay.poster) video.poster = replay.poster;
  else video.removeAttribute('poster');
  heartbeat.watch({ replay: replay.session });
  hls?.destroy();
  hls = null;
  captions.attach(null);
  if (Hls.isSupported()) {
    // Cues drawn by the browser from native text tracks, in step with the picture; off
    // until the viewer turns them on (web/player_captions.mjs keeps the choice).
    hls = new Hls({
      workerPath: '/vendor/hls.js/dist/hls.worker.js',
      subtitleDisplay: false,
      renderTextTracksNatively: true,
    });
    captions.attach(hls);
    hls.loadSource(replay.playlist);
    hls.attachMedia(video);
    // For the browser tests and for support staff looking at a viewer's player.
    window.stagehubReplayHls = hls;
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = replay.playlist;
  }
  video.play().catch(() => {}); // autoplay may be refused; the controls remain
  renderPlaylist();
  markPlaying();
  keepAddress();
  if (focus) $('replay-heading').focus();
}

function playDay(key) {
  const items = state.replays.filter((r) => r.dayKey === key).sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  if (!items.length) return;
  state.playlist = { key, items, index: 0 };
  play(items[0], { focus: true });
}

function stopPlaylist() {
  state.playlist = null;
  renderPlaylist();
}

function playlistNext() {
  const list = state.playlist;
  if (!list) return;
  if (list.index + 1 >= list.items.length) {
    stopPlaylist();
    return;
  }
  list.index += 1;
  play(list.items[list.index]);
}

function renderPlaylist() {
  const list = state.playlist;
  $('playlist-status').hidden = !list;
  $('playlist-actions').hidden = !list;
  $('player').dataset.playlist = list ? list.key : '';
  if (!list) return;
  $('playlist-status').textContent = strings.t('playlist_of', { i: list.index + 1, n: list.items.length });
  const next = list.items[list.index + 1];
  $('playlist-next-title').textContent = next ? strings.t('up_next_in_playlist', { title: next.title }) : '';
  $('playlist-next').hidden = !next;
}

video.addEventListener('ended', () => {
  if (state.playlist) playlistNext();
});
$('playlist-next').addEventListener('click', playlistNext);
$('playlist-stop').addEventListener('click', stopPlaylist);

// --- start ---------------------------------------------------------------------------

function renderLanguageSwitch() {
  $('language-switch').replaceChildren(languageSwitch(strings.lang, strings.t('language')));
  const live = new URL('/', window.location.href);
  const event = $('filter-event')?.value || params.get('event');
  if (event) live.pathname = `/event/${encodeURIComponent(event)}`;
  if (params.get('lang')) live.searchParams.set('lang', strings.lang);
  $('live-link').href = live.pathname + live.search;
}

function applyStrings() {
  document.documentElement.lang = strings.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = strings.t(node.dataset.i18n);
  document.title = strings.t('replays');
  $('search').placeholder = strings.t('search_hint');
  $('search').value = params.get('q') ?? '';
  renderLanguageSwitch();
}

async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

async function load() {
  applyStrings();
  const [{ replays }, programme] = await Promise.all([
    getJson('/api/v1/replays'),
    getJson('/api/v1/programme').catch(() => ({ events: [] })),
  ]);
  for (const event of programme.events ?? []) state.events.set(event.id, event);
  state.replays = replays
    .map((replay) => {
      const day = dayOf(replay);
      if (!state.days.has(day.key)) state.days.set(day.key, { ...day, event: replay.event });
      return { ...replay, dayKey: day.key, dayLabel: day.label };
    })
    .sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  renderFilters();
  render();
  const wanted = state.replays.find((r) => r.session === params.get('session'));
  if (wanted) play(wanted);
}

$('search').addEventListener('input', () => {
  render();
  keepAddress();
});
$('filter-event').addEventListener('change', () => {
  renderDayFilter();
  render();
  keepAddress();
});
$('filter-day').addEventListener('change', () => {
  render();
  keepAddress();
});
$('filters').addEventListener('submit', (e) => e.preventDefault());
$('filters').addEventListener('reset', () => {
  // After the form has reset its fields.
  setTimeout(() => {
    renderDayFilter('');
    render();
    keepAddress();
  }, 0);
});

load().catch((error) => {
  $('replays-empty').hidden = false;
  $('replays-empty').textContent = `${strings.t('load_failed_replays')} (${error.message ?? error})`;
});
