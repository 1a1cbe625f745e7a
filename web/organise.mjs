// The organiser console's shell (/organise/…): language, signing in and out with an
// organiser token, the event chosen, the live programme, and routing between the three
// views (Timeline, Broadcast, Check-in), each in its own module.
//
// The token is kept in sessionStorage (this tab only; web/sign_in.mjs), sent as
// `Authorization: Bearer` on REST and as the `auth` message of the console's one websocket
// (web/programme_feed.mjs), which keeps the event's `agenda:{event}` live, a selected
// panel's `panel:{session}` for the Timeline and `ops` for the Broadcast view.

import { ProgrammeFeed } from './programme_feed.mjs';
import { el, timeFormatter } from './agenda.mjs';
import { pickLanguage, stringsFor } from './strings.mjs';
import { organiseStrings } from './i18n/organise.mjs';
import { createApi } from './organise_api.mjs';
import { TokenSignIn } from './sign_in.mjs';
import { createTimelineView } from './organise_timeline.mjs';
import { createBroadcastView } from './organise_broadcast.mjs';
import { createDeskView } from './organise_desk.mjs';
import { createAccessibilityView } from './organise_accessibility.mjs';
import accessibilityConsoleStrings from './i18n/organise_accessibility.mjs';

const TOKEN_KEY = 'stagehub.organise.token';
const EVENT_KEY = 'stagehub.organise.event';
const VIEWS = ['timeline', 'broadcast', 'desk', 'accessibility'];
const LANGUAGES = [
  { code: 'sv', name: 'Svenska' },
  { code: 'nb', name: 'Norsk' },
  { code: 'en', name: 'English' },
];

const params = new URLSearchParams(window.location.search);
const strings = stringsFor(
  pickLanguage(navigator.languages ?? [navigator.language], params.get('lang')),
  organiseStrings,
);
const $ = (id) => document.getElementById(id);

// --- language -----------------------------------------------------------------------

function applyStrings() {
  document.documentElement.lang = strings.lang;
  document.title = strings.t('console_title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = strings.t(node.dataset.i18n);
  $('organise-tab-accessibility').textContent = stringsFor(strings.lang, accessibilityConsoleStrings).t(
    'tab_accessibility',
  );
  $('organise-tabs').setAttribute('aria-label', strings.t('views'));
  const nav = $('organise-languages');
  nav.setAttribute('aria-label', strings.t('language'));
  // Links, not a script toggle: the choice travels with the address (?lang=), the token
  // stays in sessionStorage across the reload.
  nav.replaceChildren(
    ...LANGUAGES.map(({ code, name }) => {
      const url = new URL(window.location.href);
      url.searchParams.set('lang', code);
      return el(
        'a',
        {
          href: url.pathname + url.search,
          lang: code,
          hreflang: code,
          'aria-current': code === strings.lang ? 'true' : null,
        },
        name,
      );
    }),
  );
}

// --- signing in ---------------------------------------------------------------------

let signInForm = null; // the TokenSignIn of the page's form, made in main()

function showSignIn(messageKey = '', messageText = '') {
  stopConsole();
  $('organise-console').hidden = true;
  $('organise-account').hidden = true;
  $('connection').hidden = true;
  $('organise-event-title').textContent = '';
  $('organise-sign-in').hidden = false;
  const message = $('organise-sign-in-message');
  message.textContent = messageKey ? strings.t(messageKey, { role: messageText }) : '';
  message.dataset.state = messageKey && messageKey !== 'signed_out' ? 'error' : '';
}

// What a refused sign-in says (web/sign_in.mjs names the reasons).
function refused(reason, { account, fromStorage }) {
  if (reason === 'empty') showSignIn('token_empty');
  else if (reason === 'unknown') showSignIn(fromStorage ? 'token_expired' : 'token_refused');
  else if (reason === 'role') showSignIn('token_not_organiser', account?.role ?? '');
  else showSignIn('err_network');
  $('organise-token').focus();
}

function signOut(messageKey = 'signed_out') {
  signInForm.signOut();
  showSignIn(messageKey);
  $('organise-token').focus();
}

// --- the console --------------------------------------------------------------------

let consoleState = null;

function stopConsole() {
  if (!consoleState) return;
  consoleState.feed.stop();
  for (const view of Object.values(consoleState.views)) view.destroy?.();
  consoleState = null;
}

function currentView() {
  const part = window.location.pathname.split('/')[2] ?? '';
  return VIEWS.includes(part) ? part : 'timeline';
}

function showView(name, { focus = false } = {}) {
  if (!consoleState) return;
  for (const link of document.querySelectorAll('#organise-tabs a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  for (const view of VIEWS) {
    const section = $(`organise-view-${view}`);
    section.hidden = view !== name;
    if (view === name) consoleState.views[view].show();
    else consoleState.views[view].hide();
  }
  if (focus) $(`organise-${name}-heading`)?.focus();
}

function navigate(name) {
  const url = new URL(window.location.href);
  url.pathname = `/organise/${name}`;
  history.pushState({}, '', url.pathname + url.search);
  showView(name, { focus: true });
}

function setConnection(state) {
  const node = $('connection');
  node.hidden = false;
  node.dataset.state = state === 'open' ? 'connected' : 'reconnecting';
  node.textContent = strings.t(state === 'open' ? 'connected' : 'reconnecting');
}

async function startConsole(token, account) {
  stopConsole();
  const api = createApi({ token, onUnauthorized: () => signOut('token_expired') });
  let programme;
  try {
    programme = await api.get('/api/v1/programme');
  } catch (error) {
    if (error.status !== 401) showSignIn('err_network');
    return;
  }
  const events = (programme.events ?? []).filter((event) => (account.events ?? []).includes(event.id));
  $('organise-sign-in').hidden = true;
  $('organise-console').hidden = false;
  $('organise-account').hidden = false;
  $('organise-account-name').textContent = strings.t('signed_in_as', { name: account.name });
  if (!events.length) {
    $('organise-console-message').textContent = strings.t('no_events');
    return;
  }
  $('organise-console-message').textContent = '';

  const serverOffset = Date.parse(programme.server_time) - Date.now();
  const wanted = params.get('event') ?? sessionStorage.getItem(EVENT_KEY);
  const eventId = events.some((e) => e.id === wanted) ? wanted : events[0].id;
  const select = $('organise-event');
  select.replaceChildren(...events.map((event) => el('option', { value: event.id }, event.title)));
  select.value = eventId;

  const feed = new ProgrammeFeed({ token, poll: false });
  const listeners = new Set();
  const extraChannels = new Map(); // view → channels it follows besides the agenda
  const followAll = () => feed.follow([`agenda:${ctx.event.id}`, ...[...extraChannels.values()].flat()]);
  const ctx = {
    strings,
    api,
    account,
    feed,
    event: events.find((e) => e.id === eventId),
    get tz() {
      return this.event.time_zone || 'Europe/Stockholm';
    },
    formatTime: null,
    serverNow: () => Date.now() + serverOffset,
    stageName(id) {
      return this.event.stages?.find((s) => s.id === id)?.name ?? id;
    },
    onEvent(listener) {
      listeners.add(listener);
    },
    // A view's own channels (a panel's running order, `ops`), followed with the agenda.
    follow(view, channels) {
      extraChannels.set(view, channels);
      followAll();
    },
    // Shows a stored change at once; the websocket's delta follows with the same sessions.
    applyChanged(result) {
      if (!result?.changed?.length || result.event !== ctx.event.id) return;
      const changed = new Map(result.changed.filter((c) => c.after?.id).map((c) => [c.after.id, c.after]));
      const sessions = ctx.event.sessions
        .filter((s) => !changed.has(s.id))
        .concat([...changed.values()])
        .sort((a, b) => a.start.localeCompare(b.start));
      setEvent({ ...ctx.event, sessions });
    },
  };

  function setEvent(event) {
    ctx.event = event;
    ctx.formatTime = timeFormatter(strings.locale, ctx.tz);
    $('organise-event-title').textContent = event.title;
    for (const listener of listeners) listener(event);
  }

  const views = {
    timeline: createTimelineView($('organise-view-timeline'), ctx),
    broadcast: createBroadcastView($('organise-view-broadcast'), ctx),
    desk: createDeskView($('organise-view-desk'), ctx),
    accessibility: createAccessibilityView($('organise-view-accessibility'), ctx),
  };
  consoleState = { feed, views, ctx };

  feed.addEventListener('snapshot', (e) => {
    if (e.detail.event?.id === ctx.event.id) setEvent(e.detail.event);
  });
  feed.addEventListener('status', (e) => setConnection(e.detail.state));
  // The token was revoked while the console was open.
  feed.addEventListener('auth-error', () => signOut('token_expired'));
  select.onchange = () => {
    sessionStorage.setItem(EVENT_KEY, select.value);
    const next = events.find((e) => e.id === select.value);
    if (!next) return;
    // The views start over on the new event; the one on screen is shown again, which
    // also follows its channels again.
    extraChannels.clear();
    for (const view of Object.values(views)) view.reset?.();
    setEvent(next);
    followAll();
    showView(currentView());
  };

  setEvent(ctx.event);
  followAll();
  feed.start();
  showView(currentView());
}

// --- wiring -------------------------------------------------------------------------

function main() {
  applyStrings();
  signInForm = new TokenSignIn({
    storageKey: TOKEN_KEY,
    roles: ['organiser'],
    form: $('organise-sign-in-form'),
    input: $('organise-token'),
    button: $('organise-sign-in-form').querySelector('button[type="submit"]'),
    busyLabel: strings.t('signing_in'),
    onSignedIn: (token, account) => startConsole(token, account),
    onRefused: refused,
  });
  $('organise-sign-out').addEventListener('click', () => signOut());
  $('organise-tabs').addEventListener('click', (event) => {
    const link = event.target.closest('a[data-view]');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.dataset.view);
  });
  window.addEventListener('popstate', () => showView(currentView()));
  // Keep ?lang= on the tabs' addresses so a reload keeps the language.
  for (const link of document.querySelectorAll('#organise-tabs a')) {
    const url = new URL(link.href);
    url.search = window.location.search;
    link.href = url.pathname + url.search;
  }
  if (!signInForm.start()) showSignIn();
}

main();
