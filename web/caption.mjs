// The captioner's page (/caption/{stage}): a speech-to-text interpreter (skrivtolk) types
// live for hours, so the page is one large text field that keeps the focus. Enter sends the
// line as a cue, every keystroke sends the line so far as the partial the room sees at once
// (web/caption_sender.mjs), the last lines sent stay in view with whether they went out,
// and a small muted picture of the stage gives context. Keyboard only: nothing here needs
// a pointer, and nothing takes the focus from the field for long.
//
// Sign in with a captioner's (or an organiser's) token, as on /organise (web/sign_in.mjs):
// typed into the form, kept in this tab's sessionStorage, never in the address. The
// websocket's `captions:{stage}` channel shows whether the page is connected.

import { TokenSignIn } from './sign_in.mjs';
import { LivePlayer } from './live_player.mjs';
import { CaptionSender } from './caption_sender.mjs';
import { el } from './agenda.mjs';
import { languageSwitch } from './language_switch.mjs';
import {
  LANGUAGE_TAG,
  captionPageStrings as strings,
  followCaptions,
  showConnection,
  stageOfAddress as stageId,
} from './caption_page.mjs';

const TOKEN_KEY = 'stagehub.caption.token';
const LANGUAGE_KEY = 'stagehub.caption.language';
const SENT_SHOWN = 8;
const MAX_LINE = 500;

const $ = (id) => document.getElementById(id);

const state = {
  token: '',
  event: null,
  stage: null,
  sender: null,
  feed: null,
  player: null,
  sent: [], // newest first: {text, language, kind, state}
  language: '',
  // 'descriptions' while the switch is on: lines go out as audio description (what is
  // seen), shown in the players' description track, never in the room; no partial line.
  kind: 'captions',
};

function applyStrings() {
  document.documentElement.lang = strings.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = strings.t(node.dataset.i18n);
  $('languages').replaceChildren(languageSwitch(strings.lang, strings.t('language')));
  document.title = strings.t('caption_title_stage', { stage: stageId });
  $('title').textContent = document.title;
  $('video-label').textContent = strings.t('caption_video', { stage: stageId });
}

const setConnection = (key) => showConnection($('connection'), key);

// --- signing in ----------------------------------------------------------------------

function showSignIn(messageKey = '', vars = {}) {
  stopDesk();
  $('desk').hidden = true;
  $('sign-out').hidden = true;
  $('connection').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-message').textContent = messageKey ? strings.t(messageKey, vars) : '';
  $('token').focus();
}

const signIn = new TokenSignIn({
  storageKey: TOKEN_KEY,
  roles: ['captioner', 'organiser'],
  form: $('sign-in-form'),
  input: $('token'),
  button: $('sign-in-form').querySelector('button[type="submit"]'),
  busyLabel: strings.t('caption_signing_in'),
  onSignedIn: (token, account) => openDesk(token, account),
  onRefused: (reason, { account, fromStorage }) => {
    if (reason === 'empty') showSignIn('caption_token_empty');
    else if (reason === 'unknown') showSignIn(fromStorage ? 'caption_token_expired' : 'caption_token_refused');
    else if (reason === 'role') showSignIn('caption_token_role', { role: strings.role(account?.role ?? '') });
    else showSignIn('caption_network');
  },
});

$('sign-out').addEventListener('click', () => {
  signIn.signOut();
  showSignIn();
});

// --- the desk --------------------------------------------------------------------------

// The stage's event and the stage itself, from the published programme; an account that
// belongs to one event names it when the stage is not published yet.
async function findStage(account) {
  try {
    const response = await fetch('/api/v1/programme', {
      headers: { authorization: `Bearer ${state.token}`, accept: 'application/json' },
      cache: 'no-store',
    });
    if (response.ok) {
      const programme = await response.json();
      for (const event of programme.events ?? []) {
        const stage = (event.stages ?? []).find((s) => s.id === stageId);
        if (stage) return { event, stage };
      }
    }
  } catch {
    // fall through to the account's own event
  }
  const events = (account?.events ?? []).map((e) => (typeof e === 'string' ? e : e?.id)).filter(Boolean);
  return events.length === 1 ? { event: { id: events[0] }, stage: { id: stageId, name: stageId } } : null;
}

async function openDesk(token, account) {
  state.token = token;
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  const found = await findStage(account);
  if (!found) {
    $('desk').hidden = true;
    $('sign-in').hidden = false;
    $('sign-in-form').hidden = true;
    $('sign-in-message').textContent = strings.t('caption_unknown_stage', { stage: stageId });
    return;
  }
  $('sign-in-form').hidden = false;
  state.event = found.event;
  state.stage = found.stage;
  const name = state.stage.name || stageId;
  document.title = strings.t('caption_title_stage', { stage: name });
  $('title').textContent = document.title;
  $('event-title').textContent = state.event.title ?? '';
  $('video-label').textContent = strings.t('caption_video', { stage: name });
  renderLanguages();

  state.sender = new CaptionSender({
    url: `/api/v1/events/${encodeURIComponent(state.event.id)}/stages/${encodeURIComponent(stageId)}/captions`,
    token,
  });
  startFeed(token);
  startPicture();
  $('desk').hidden = false;
  renderSent();
  $('line').focus();
}

function stopDesk() {
  state.feed?.stop();
  state.feed = null;
  state.player?.destroy();
  state.player = null;
  state.sender = null;
}

// The caption languages: the event's, then Swedish, Norwegian and English; the last one
// chosen in this browser is kept.
function renderLanguages() {
  const codes = [
    ...(Array.isArray(state.event.languages) ? state.event.languages : []),
    state.event.language,
    'sv',
    'nb',
    'en',
  ].filter((code, i, all) => typeof code === 'string' && LANGUAGE_TAG.test(code) && all.indexOf(code) === i);
  const names = new Intl.DisplayNames([strings.lang], { type: 'language', fallback: 'code' });
  $('caption-language').replaceChildren(
    ...codes.map((code) => el('option', { value: code, lang: code }, names.of(code))),
  );
  let kept;
  try {
    kept = localStorage.getItem(LANGUAGE_KEY) ?? '';
  } catch {
    kept = ''; // storage blocked
  }
  state.language = codes.includes(kept) ? kept : codes[0];
  $('caption-language').value = state.language;
}

$('caption-language').addEventListener('change', () => {
  state.language = $('caption-language').value;
  try {
    localStorage.setItem(LANGUAGE_KEY, state.language);
  } catch {
    // storage blocked: the choice holds while the page is open
  }
});
// A choice made, the hands go back to typing.
$('caption-language').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === 'Escape') {
    e.preventDefault();
    $('line').focus();
  }
});

function startFeed(token) {
  state.feed = followCaptions({
    token,
    connectionNode: $('connection'),
    // The room would not see the lines: say so before the first one is typed.
    onRefused: ({ code, message }) =>
      showSendError(
        code === 'forbidden' || code === 'unauthorized'
          ? strings.t('caption_forbidden')
          : strings.t('caption_send_failed', { message: message || code }),
      ),
  });
}

function startPicture() {
  const hls = state.stage.live?.hls ?? null;
  state.player = new LivePlayer($('video'), {
    onstate: (playerState) => {
      $('video-off').hidden = !['offline', 'ended', 'unsupported'].includes(playerState);
    },
  });
  state.player.load(hls);
}

// --- typing ----------------------------------------------------------------------------

function renderSent() {
  const label = { sending: 'caption_state_sending', sent: 'caption_state_sent', failed: 'caption_state_failed' };
  $('sent').replaceChildren(
    ...state.sent.map((line) =>
      el(
        'li',
        { class: 'caption-sent-line', 'data-state': line.state, lang: line.language },
        el('span', { class: 'caption-sent-text' }, line.text),
        line.kind === 'descriptions'
          ? el('span', { class: 'caption-sent-kind', lang: strings.lang }, strings.t('caption_kind_descriptions'))
          : null,
        el('span', { class: 'caption-sent-state', lang: strings.lang }, strings.t(label[line.state])),
      ),
    ),
  );
  $('none-sent').hidden = state.sent.length > 0;
}

function showSendError(text) {
  $('send-error').textContent = text;
}

async function sendLine() {
  const field = $('line');
  const text = field.value.replace(/\s+$/, '').replace(/^\s+/, '');
  if (!text || !state.sender) return;
  if (text.length > MAX_LINE) {
    showSendError(strings.t('caption_too_long', { n: MAX_LINE }));
    return;
  }
  field.value = '';
  const line = { text, language: state.language, kind: state.kind, state: 'sending' };
  state.sent = [line, ...state.sent].slice(0, SENT_SHOWN);
  renderSent();
  const result = await state.sender.final(text, state.language, line.kind);
  if (result.ok) {
    line.state = 'sent';
    showSendError('');
  } else {
    line.state = 'failed';
    if (result.status === 401) {
      signIn.signOut();
      showSignIn('caption_token_expired');
      return;
    }
    if (result.status === 0) {
      // Nothing reached the server: the line goes back to be sent again.
      if (!field.value) field.value = text;
      setConnection('caption_offline');
      showSendError(strings.t('caption_send_network'));
    } else if (result.status === 403) {
      showSendError(strings.t('caption_forbidden'));
    } else {
      showSendError(strings.t('caption_send_failed', { message: result.message || `HTTP ${result.status}` }));
    }
  }
  renderSent();
}

$('line').addEventListener('keydown', (e) => {
  if (e.isComposing) return;
  if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
    e.preventDefault();
    sendLine();
  } else if (e.key === 'Escape') {
    e.preventDefault();
    $('line').value = '';
    state.sender?.partial('', state.language);
  }
});
$('line').addEventListener('input', () => {
  if (state.kind !== 'captions') return; // a description has no partial line
  state.sender?.partial($('line').value.slice(0, MAX_LINE), state.language);
});
$('caption-descriptions').addEventListener('change', () => {
  state.kind = $('caption-descriptions').checked ? 'descriptions' : 'captions';
  // What was typed as a caption is not left showing in the room.
  if (state.kind === 'descriptions') state.sender?.partial('', state.language);
});
// Space toggles the switch; Enter or Esc go back to typing.
$('caption-descriptions').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === 'Escape') {
    e.preventDefault();
    $('line').focus();
  }
});

applyStrings();
if (!signIn.start()) showSignIn();
