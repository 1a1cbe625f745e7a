// The staff statistics page (/stats): per event and day, in person vs web vs replay at a
// glance, concurrent web viewers per stage over time (live while the day is on), and the
// tables per session, stage and day, sortable and downloadable as CSV.
//
// Sign-in: a staff or organiser token, pasted once and kept in sessionStorage (this tab
// only) until "sign out" (web/sign_in.mjs). Every request carries it as a bearer token;
// the page's one websocket (web/programme_feed.mjs) sends it as its `auth` message
// (docs/PROTOCOL.md, "Tokens").
//
// Data: GET /api/v1/me (who, which events), GET /api/v1/stats/events/{event} (the report:
// docs/API.md "Statistics", figures as docs/STATISTICS.md counts them), …/series?stage=S
// per stage, …/{table}.csv for the downloads, and `stats:{event}` on /ws pushing `viewers`
// every 5 s. The report is fetched again every minute while the page is open.

import { ProgrammeFeed } from './programme_feed.mjs';
import { STATS_STRINGS } from './i18n/stats.mjs';
import { languageSwitch } from './language_switch.mjs';
import { TokenSignIn } from './sign_in.mjs';
import { ViewersChart } from './stats_chart.mjs';
import { SortableTable } from './stats_table.mjs';
import { pickLanguage, stringsFor } from './strings.mjs';

const TOKEN_KEY = 'stagehub.stats.token';
const REFRESH_MS = 60_000;

const params = new URLSearchParams(window.location.search);
const strings = stringsFor(
  pickLanguage(navigator.languages ?? [navigator.language], params.get('lang')),
  STATS_STRINGS,
);
const { t } = strings;
const numberFormat = new Intl.NumberFormat(strings.locale);
const percentFormat = new Intl.NumberFormat(strings.locale, { style: 'percent', maximumFractionDigits: 0 });
const collator = new Intl.Collator(strings.locale, { sensitivity: 'base', numeric: true });
const $ = (id) => document.getElementById(id);

const state = {
  token: '',
  me: null,
  titles: new Map(), // event id -> title
  event: '',
  day: '', // YYYY-MM-DD, or '' for every day
  report: null,
  timeZone: 'UTC',
  chart: null,
  feed: null, // the websocket, following `stats:{event}` while signed in
  refreshTimer: 0,
  loadSerial: 0, // the newest load; answers of older ones are dropped
  liveViewers: null, // the latest `viewers` push
};

// --- formatting -----------------------------------------------------------------------

const formatNumber = (n) => (n === null || n === undefined ? '–' : numberFormat.format(n));

// Watch time as h:mm, to the nearest minute (45 s reads 0:01, not 0:00).
function hMm(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

// "YYYY-MM-DD" of the event's calendar as the reader's locale writes it.
function formatDay(day) {
  const date = new Date(`${day}T12:00:00Z`);
  return new Intl.DateTimeFormat(strings.locale, {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(date);
}

// The event's calendar day of an instant (ms), as YYYY-MM-DD.
function localDay(ms, timeZone) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type) => parts.find((p) => p.type === type)?.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function formatClock(ms) {
  return new Intl.DateTimeFormat(strings.locale, {
    timeZone: state.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(ms));
}

// --- requests ---------------------------------------------------------------------------

class RequestError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, { token = state.token } = {}) {
  let response;
  try {
    response = await fetch(path, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      cache: 'no-store',
    });
  } catch (error) {
    throw new RequestError(0, 'network', String(error?.message ?? error));
  }
  if (!response.ok) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON: the status says enough.
    }
    throw new RequestError(
      response.status,
      body?.error?.code ?? 'http',
      body?.error?.message ?? `HTTP ${response.status}`,
    );
  }
  return response;
}

// --- static strings and the language control ------------------------------------------

function applyStrings() {
  document.documentElement.lang = strings.lang;
  document.title = t('stats_title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const button of document.querySelectorAll('[data-csv]'))
    button.textContent = t('download', { file: `${button.dataset.csv}.csv` });
  $('stats-sessions').setAttribute('aria-label', t('table_region', { name: t('sessions_heading') }));
  $('stats-stages').setAttribute('aria-label', t('table_region', { name: t('stages_heading') }));
  $('stats-days').setAttribute('aria-label', t('table_region', { name: t('days_heading') }));

  // The pages' shared control: links to ?lang=xx; the token stays in sessionStorage
  // across the reload.
  $('stats-languages').replaceChildren(languageSwitch(strings.lang, t('language')));
  // Excel in a Swedish or Norwegian locale splits on ';'.
  $('stats-semicolon').checked = strings.lang !== 'en';
}

// --- sign-in ----------------------------------------------------------------------------

function showSignIn(messageKey = '') {
  stopLive();
  $('stats-dashboard').hidden = true;
  $('stats-account').hidden = true;
  $('stats-event-title').textContent = '';
  $('stats-signin').hidden = false;
  $('stats-signin-form').hidden = false;
  $('stats-signin-help').textContent = t('signin_help');
  $('stats-signin-error').textContent = messageKey ? t(messageKey) : '';
  $('stats-token').setAttribute('aria-invalid', messageKey ? 'true' : 'false');
}

let signInForm = null; // the TokenSignIn of the page's form, made in start()

function signOut(messageKey = '') {
  state.token = '';
  state.me = null;
  // The next sign-in starts afresh (maybe another account, other events).
  state.report = null;
  state.liveViewers = null;
  state.loadSerial += 1;
  state.chart = null;
  $('stats-chart').replaceChildren();
  signInForm.signOut();
  showSignIn(messageKey);
  $('stats-token').focus();
}

// What a refused sign-in says (web/sign_in.mjs names the reasons): only staff and
// organisers read statistics.
function refused(reason) {
  if (reason === 'empty') showSignIn('refused_empty');
  else if (reason === 'unknown') signOut('refused_unknown');
  else if (reason === 'role') signOut('refused_role');
  else showSignIn('refused_network');
}

async function signedIn(token, me, { fromStorage }) {
  state.token = token;
  state.me = me;
  await showDashboard(!fromStorage);
}

// --- the dashboard ----------------------------------------------------------------------

async function showDashboard(moveFocus) {
  const { me } = state;
  $('stats-signin').hidden = true;
  $('stats-account').hidden = false;
  $('stats-account-name').textContent = t('signed_in_as', { name: me.name, role: t(`role_${me.role}`) });
  const events = me.events ?? [];
  if (!events.length) {
    $('stats-dashboard').hidden = true;
    $('stats-signin').hidden = false;
    $('stats-signin-form').hidden = true;
    $('stats-signin-help').textContent = t('no_events');
    return;
  }
  $('stats-signin-form').hidden = false;
  // The events' titles; the programme answers a staff token with unpublished events too.
  try {
    const programme = await (await api('/api/v1/programme')).json();
    for (const event of programme.events ?? []) state.titles.set(event.id, event.title);
  } catch {
    // Ids will do.
  }
  const select = $('stats-event');
  select.replaceChildren(...events.map((id) => new Option(state.titles.get(id) ?? id, id)));
  const wanted = params.get('event');
  state.event = events.includes(wanted) ? wanted : events[0];
  select.value = state.event;
  $('stats-dashboard').hidden = false;
  if (moveFocus) $('main').focus();
  await loadEvent();
}

// The report of the chosen event (every day: the day's rows are picked here, so that a
// change of day needs no request), then the chart's series.
async function loadEvent({ keepDay = false } = {}) {
  const serial = ++state.loadSerial;
  clearTimeout(state.refreshTimer);
  setStatus(state.report ? '' : t('loading_stats'));
  try {
    const report = await (await api(`/api/v1/stats/events/${encodeURIComponent(state.event)}`)).json();
    if (serial !== state.loadSerial) return;
    const eventChanged = state.report?.event?.id !== report.event.id;
    state.report = report;
    state.timeZone = report.event.time_zone || 'UTC';
    $('stats-event-title').textContent = report.event.title;
    if (eventChanged || !keepDay) chooseDay(report, eventChanged);
    renderReport();
    if (eventChanged) {
      state.chart?.clear();
      state.chart = null;
      $('stats-chart').replaceChildren();
      startLive();
    }
    await loadSeries(serial);
    setStatus('');
    $('stats-updated').textContent = t('updated', { time: formatClock(Date.now()) });
  } catch (error) {
    if (serial !== state.loadSerial) return;
    if (error.status === 401) {
      signOut('refused_unknown');
      return;
    }
    setStatus(t(error.status === 403 ? 'refused_forbidden' : 'stats_failed', { message: error.message }));
  } finally {
    if (serial === state.loadSerial && state.token) {
      state.refreshTimer = setTimeout(() => loadEvent({ keepDay: true }), REFRESH_MS);
    }
  }
}

// The day shown: ?day= if it is one of the event's, else today when the event is on,
// else its first day.
function chooseDay(report, eventChanged) {
  const days = report.days.map((d) => d.day);
  const select = $('stats-day');
  const current = select.value;
  select.replaceChildren(new Option(t('all_days'), ''), ...days.map((d) => new Option(formatDay(d), d)));
  const today = localDay(Date.now(), state.timeZone);
  const asked = eventChanged ? params.get('day') : current;
  if (asked !== null && (asked === '' || days.includes(asked))) state.day = asked;
  else state.day = days.includes(today) ? today : (days[0] ?? '');
  select.value = state.day;
}

function setStatus(text) {
  $('stats-status').textContent = text;
}

function renderReport() {
  const { report, day } = state;
  const dayRow = day ? report.days.find((d) => d.day === day) : null;
  const figures = dayRow ?? report.totals;
  const inPerson = figures.in_person ?? 0;
  const web = figures.web_viewers ?? 0;
  const replay = figures.replay_views ?? 0;
  $('stats-figure-in-person').textContent = formatNumber(inPerson);
  $('stats-figure-web').textContent = formatNumber(web);
  $('stats-figure-replay').textContent = formatNumber(replay);
  renderBar({ in_person: inPerson, web, replay });
  renderCaptionedShare(report.sessions.filter((row) => !day || row.day === day));
  $('stats-tz-note').textContent = t('times_in', { tz: state.timeZone });

  const inDay = (row) => !day || row.day === day;
  sessionsTable().update(report.sessions.filter(inDay));
  stagesTable().update(report.stages.filter(inDay));
  daysTable().update(report.days.filter(inDay));
}

// The share of replay views that were of captioned replays (docs/STATISTICS.md), of the
// sessions shown: the 14-day rule's measure of how much of what people watched afterwards
// they could read.
function renderCaptionedShare(rows) {
  const views = rows.reduce((sum, row) => sum + (row.replay_views ?? 0), 0);
  const captioned = rows.reduce((sum, row) => sum + (row.replay_captioned ? (row.replay_views ?? 0) : 0), 0);
  $('stats-captioned-share').textContent = views
    ? t('captioned_share', { share: percentFormat.format(captioned / views), n: formatNumber(captioned) })
    : '';
}

// One bar split in three, each part as wide as its share; the figures themselves are in
// the list above it, the bar's label says the split for screen readers.
function renderBar(parts) {
  const bar = $('stats-bar');
  const total = parts.in_person + parts.web + parts.replay;
  bar.setAttribute(
    'aria-label',
    t('comparison', {
      in_person: formatNumber(parts.in_person),
      web: formatNumber(parts.web),
      replay: formatNumber(parts.replay),
    }),
  );
  bar.dataset.empty = String(total === 0);
  bar.replaceChildren(
    ...Object.entries(parts)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => {
        const part = document.createElement('span');
        part.className = 'stats-bar-part';
        part.dataset.kind = kind;
        part.style.flexGrow = String(n / total);
        return part;
      }),
  );
}

// --- tables -----------------------------------------------------------------------------

const numberColumn = (key, label, format = formatNumber) => ({
  key,
  label: t(label),
  type: 'number',
  value: (row) => row[key],
  format: (row) => format(row[key]),
});
// A column whose sort value and text are the same string.
const textColumn = (key, label, text) => ({
  key,
  label: t(label),
  type: 'text',
  value: text,
  format: text,
});

// The three tables share all but their rows and columns.
const sortableTable = (id, captionKey, rowKey, columns) =>
  new SortableTable({
    id,
    caption: t(captionKey),
    rowKey,
    collator,
    emptyText: t('no_rows'),
    sortLabel: (column) => t('sort_by', { column }),
    columns,
  });

let tables = null;

function makeTables() {
  const stageName = (id) => state.report?.stages.find((s) => s.stage === id)?.name ?? id;
  const dayColumn = {
    key: 'day',
    label: t('col_day'),
    type: 'text',
    value: (row) => row.day,
    format: (row) => formatDay(row.day),
  };
  const web = () => [
    numberColumn('web_viewers', 'col_web'),
    numberColumn('peak_concurrent', 'col_peak'),
    numberColumn('watch_time_s', 'col_watch_time', hMm),
    numberColumn('average_watch_s', 'col_average', hMm),
  ];
  const replays = () => [
    numberColumn('replay_views', 'col_replay_views'),
    numberColumn('replay_watch_time_s', 'col_replay_time', hMm),
  ];
  const sessions = sortableTable('stats-sessions-table', 'sessions_heading', (row) => row.session, [
    textColumn('title', 'col_session', (row) => row.title),
    {
      key: 'start',
      label: t('col_time'),
      type: 'text',
      value: (row) => `${row.day} ${row.start}`,
      format: (row) => `${state.day ? '' : `${formatDay(row.day)} `}${row.start}–${row.end}`,
    },
    textColumn('stage', 'col_stage', (row) => stageName(row.stage)),
    numberColumn('in_person', 'col_in_person'),
    ...web(),
    ...replays(),
    {
      key: 'replay_completion',
      label: t('col_completion'),
      type: 'number',
      value: (row) => (row.replay_views ? row.replay_completion : null),
      format: (row) => (row.replay_views ? percentFormat.format(row.replay_completion) : '–'),
    },
  ]);
  const stages = sortableTable('stats-stages-table', 'stages_heading', (row) => `${row.day}/${row.stage}`, [
    textColumn('name', 'col_stage', (row) => row.name || row.stage),
    dayColumn,
    ...web(),
  ]);
  const days = sortableTable('stats-days-table', 'days_heading', (row) => row.day, [
    dayColumn,
    numberColumn('in_person', 'col_in_person'),
    ...web(),
    ...replays(),
  ]);
  $('stats-sessions').replaceChildren(sessions.element);
  $('stats-stages').replaceChildren(stages.element);
  $('stats-days').replaceChildren(days.element);
  tables = { sessions, stages, days };
}

const sessionsTable = () => (tables ?? (makeTables(), tables)).sessions;
const stagesTable = () => (tables ?? (makeTables(), tables)).stages;
const daysTable = () => (tables ?? (makeTables(), tables)).days;

// --- the chart --------------------------------------------------------------------------

// Every stage's minutes of the chosen day (or the whole event), one request per stage.
async function loadSeries(serial) {
  const stages = stagesOfEvent();
  const query = (stage) => {
    const q = new URLSearchParams({ stage });
    if (state.day) q.set('day', state.day);
    return `/api/v1/stats/events/${encodeURIComponent(state.event)}/series?${q}`;
  };
  const series = await Promise.all(
    stages.map(async (stage) => ({
      stage,
      minutes: (await (await api(query(stage.id))).json()).minutes ?? [],
    })),
  );
  if (serial !== state.loadSerial) return;
  if (!state.chart) {
    state.chart = new ViewersChart($('stats-chart'), {
      locale: strings.locale,
      timeZone: state.timeZone,
      axisLabels: { time: t('chart_axis_time', { tz: state.timeZone }), viewers: t('chart_axis_viewers') },
    });
  }
  state.chart.setHistory(series);
  renderChartText();
}

// The event's stages in the programme's order: from the report's stage rows, else the
// live push.
function stagesOfEvent() {
  const seen = new Map();
  for (const row of state.report?.stages ?? [])
    if (!seen.has(row.stage)) seen.set(row.stage, { id: row.stage, name: row.name || row.stage });
  for (const s of state.liveViewers?.stages ?? [])
    if (!seen.has(s.stage)) seen.set(s.stage, { id: s.stage, name: s.name || s.stage });
  return [...seen.values()];
}

function renderChartText() {
  const { chart } = state;
  if (!chart) return;
  const peak = chart.peak();
  $('stats-chart-caption').textContent = peak
    ? t('chart_caption', { peak: formatNumber(peak.viewers), stage: peak.stage.name, time: chart.formatTime(peak.at) })
    : t('chart_caption_empty');
  const live = new Map((state.liveViewers?.stages ?? []).map((s) => [s.stage, s.viewers]));
  $('stats-key').replaceChildren(
    ...chart.stages.map((stage) => {
      const item = document.createElement('li');
      item.dataset.stage = stage.id;
      const swatch = document.createElement('span');
      swatch.className = 'stats-key-swatch';
      swatch.style.backgroundColor = stage.colour;
      swatch.setAttribute('aria-hidden', 'true');
      const name = document.createElement('span');
      name.textContent = stage.name;
      item.append(swatch, name);
      if (live.has(stage.id)) {
        name.textContent = `${stage.name}:`;
        const now = document.createElement('span');
        now.className = 'stats-key-now';
        now.textContent = t('stage_now', { n: formatNumber(live.get(stage.id)) });
        item.append(' ', now);
      }
      return item;
    }),
  );
}

// --- live: stats:{event} ----------------------------------------------------------------

// The page's one websocket, made at the first event shown and kept until sign out; a
// change of event follows the new event's channel on the same socket.
function startLive() {
  state.liveViewers = null;
  renderNow();
  setLive(false);
  if (!state.feed) {
    const feed = new ProgrammeFeed({ token: state.token, poll: false });
    const mine = (channel) => channel === `stats:${state.event}`;
    feed.addEventListener('stats', (e) => {
      if (mine(e.detail.channel)) onViewers(e.detail);
    });
    feed.addEventListener('subscribed', (e) => {
      if (mine(e.detail.channel)) setLive(true);
    });
    feed.addEventListener('status', (e) => {
      if (e.detail.state !== 'open') setLive(false);
    });
    // The token was revoked, or may not follow this event: say so, stop following.
    feed.addEventListener('auth-error', () => signOut('refused_unknown'));
    feed.addEventListener('refused', (e) => {
      if (!mine(e.detail.channel)) return;
      if (e.detail.code === 'unauthorized') {
        signOut('refused_unknown');
        return;
      }
      feed.follow([]);
      setStatus(t('refused_forbidden'));
    });
    state.feed = feed;
    feed.start();
  }
  state.feed.follow([`stats:${state.event}`]);
}

function setLive(live) {
  const node = $('stats-live');
  node.dataset.state = live ? 'live' : 'reconnecting';
  node.textContent = live ? t('live_on') : t('live_off');
}

function stopLive() {
  state.feed?.stop();
  state.feed = null;
  clearTimeout(state.refreshTimer);
}

function onViewers(message) {
  if (message.event && message.event !== state.event) return;
  state.liveViewers = message;
  renderNow();
  const at = Date.parse(message.server_time) || Date.now();
  // Points go on the chart only while it shows the day they belong to.
  if (state.chart && (!state.day || state.day === localDay(at, state.timeZone))) {
    state.chart.append(at, Object.fromEntries((message.stages ?? []).map((s) => [s.stage, s.viewers])));
  }
  renderChartText();
}

function renderNow() {
  const node = $('stats-now');
  const viewers = state.liveViewers?.web_viewers;
  if (Number.isFinite(viewers)) {
    node.textContent = t('now_watching', { n: formatNumber(viewers) });
    node.dataset.viewers = String(viewers);
  } else {
    node.textContent = t('now_unknown');
    delete node.dataset.viewers;
  }
}

// --- downloads --------------------------------------------------------------------------

// The CSV files need the bearer token, so a plain link cannot fetch them: fetch, then
// save the answer under its own file name through an object URL.
async function download(table, button) {
  const q = new URLSearchParams();
  if (state.day) q.set('day', state.day);
  if ($('stats-semicolon').checked) q.set('separator', 'semicolon');
  const file = `${table}.csv`;
  button.disabled = true;
  try {
    const response = await api(
      `/api/v1/stats/events/${encodeURIComponent(state.event)}/${file}${q.size ? `?${q}` : ''}`,
    );
    const disposition = response.headers.get('content-disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${state.event}-${file}`;
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    if (error.status === 401) signOut('refused_unknown');
    else setStatus(t('download_failed', { file, message: error.message }));
  } finally {
    button.disabled = false;
  }
}

// --- wiring -----------------------------------------------------------------------------

function start() {
  applyStrings();
  signInForm = new TokenSignIn({
    storageKey: TOKEN_KEY,
    roles: ['staff', 'organiser'],
    form: $('stats-signin-form'),
    input: $('stats-token'),
    button: $('stats-signin-button'),
    busyLabel: t('signing_in'),
    onSignedIn: signedIn,
    onRefused: refused,
  });
  $('stats-sign-out').addEventListener('click', () => signOut());
  $('stats-event').addEventListener('change', (event) => {
    state.event = event.target.value;
    loadEvent();
  });
  $('stats-day').addEventListener('change', async (event) => {
    state.day = event.target.value;
    renderReport();
    state.chart?.clear();
    const serial = ++state.loadSerial;
    try {
      await loadSeries(serial);
    } catch (error) {
      setStatus(t('stats_failed', { message: error.message }));
    }
    // A change of day ended the pending refresh's load: schedule the next one.
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(() => loadEvent({ keepDay: true }), REFRESH_MS);
  });
  for (const button of document.querySelectorAll('[data-csv]')) {
    button.addEventListener('click', () => download(button.dataset.csv, button));
  }
  if (!signInForm.start()) showSignIn();
}

start();
