// The room view (/captions/{stage}): captions for a projector in the hall, for people there
// who are hard of hearing. Large, high-contrast, no controls: the last lines as they are
// sent and, under them, the line the captioner is typing now, both from the websocket's
// `captions:{stage}` channel (docs/PROTOCOL.md), reconnecting by itself
// (web/programme_feed.mjs). On (re)subscribing the server sends the last few cues and the
// partial again, so a projector switched on late or a dropped network shows the text at once.
//
// The address: ?language=sv shows captions in that language (else the first language
// heard; ?lang= is the language of the page's few words, as on every page);
// ?size=150 sets the text size in per cent of the default (50–300). The keys + and - (or
// arrow up and down) change the size too, 0 resets it; the size is kept in this browser.

import { el } from './agenda.mjs';
import {
  LANGUAGE_TAG,
  captionPageStrings as strings,
  followCaptions,
  pageParams as params,
  stageOfAddress as stageId,
} from './caption_page.mjs';

const LINES_SHOWN = 3;
const SIZE_KEY = 'stagehub.room.size';
const SIZE_MIN = 50;
const SIZE_MAX = 300;
const SIZE_STEP = 10;

const $ = (id) => document.getElementById(id);
const asked = params.get('language') ?? '';
const wantedLanguage = LANGUAGE_TAG.test(asked) ? asked : '';

const state = {
  language: wantedLanguage,
  cues: [], // the shown language's cues, oldest first: {id, text, start}
  partial: '',
};

const clampSize = (n) => Math.min(SIZE_MAX, Math.max(SIZE_MIN, Math.round(n)));

function initialSize() {
  const asked = Number(params.get('size'));
  if (params.has('size') && Number.isFinite(asked)) return clampSize(asked);
  try {
    const kept = Number(localStorage.getItem(SIZE_KEY));
    if (kept) return clampSize(kept);
  } catch {
    // storage blocked: the default
  }
  return 100;
}

let size = initialSize();

function applySize() {
  // A CSS custom property set through the CSSOM: the Content-Security-Policy allows no
  // inline style attribute, but this is not one.
  document.documentElement.style.setProperty('--room-scale', String(size / 100));
  document.documentElement.dataset.size = String(size);
}

function setSize(next) {
  size = clampSize(next);
  applySize();
  try {
    localStorage.setItem(SIZE_KEY, String(size));
  } catch {
    // storage blocked: the size holds while the page is open
  }
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '+' || e.key === 'ArrowUp') setSize(size + SIZE_STEP);
  else if (e.key === '-' || e.key === 'ArrowDown') setSize(size - SIZE_STEP);
  else if (e.key === '0') setSize(100);
  else return;
  e.preventDefault();
});

function render() {
  const shown = state.cues.slice(-LINES_SHOWN);
  $('lines').replaceChildren(
    ...shown.map((cue) => el('p', { class: 'room-line', 'data-cue-id': String(cue.id) }, cue.text)),
  );
  $('partial').textContent = state.partial;
  $('waiting').hidden = shown.length > 0 || state.partial !== '';
  if (state.language) {
    $('lines').lang = state.language;
    $('partial').lang = state.language;
  }
}

// The first language heard becomes the room's language unless the address named one.
function ours(message) {
  if (typeof message.language !== 'string') return false;
  if (!state.language) state.language = message.language;
  return message.language === state.language;
}

function onCaption(message) {
  if (message.stage && message.stage !== stageId) return;
  // Descriptions say what is seen, for those who cannot see it: never on the hall's screen.
  // A message without kind (an older server) is a caption.
  if ((message.kind ?? 'captions') !== 'captions') return;
  if (!ours(message)) return;
  if (message.type === 'partial') {
    state.partial = String(message.text ?? '');
  } else if (message.type === 'cue') {
    if (state.cues.some((cue) => cue.id === message.id)) return; // sent again on resubscribing
    state.cues.push({ id: message.id, text: String(message.text ?? ''), start: message.start ?? '' });
    state.cues.sort((a, b) => String(a.start).localeCompare(String(b.start)) || a.id - b.id);
    state.cues = state.cues.slice(-LINES_SHOWN * 4);
    // The line is sent: what was typed of it is no longer a partial.
    state.partial = '';
  }
  render();
}

document.documentElement.lang = strings.lang;
document.title = strings.t('room_title', { stage: stageId });
$('title').textContent = document.title;
$('waiting').textContent = strings.t('room_waiting');
applySize();
render();

followCaptions({ connectionNode: $('connection'), onCaption });
// For the browser tests: the lines as shown.
window.stagehubRoom = state;
