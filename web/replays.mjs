// The replays page (/replays.html, ?session=ID to open one): every replay the server lists
// (GET /api/v1/replays), each played as an HLS VOD playlist with hls.js, or natively where
// the browser plays HLS itself.

import Hls from 'hls.js';

import { pickLanguage, stringsFor } from '/strings.mjs';
import { ViewerHeartbeat } from '/viewer_heartbeat.mjs';

const params = new URLSearchParams(window.location.search);
const strings = stringsFor(pickLanguage(navigator.languages ?? [navigator.language], params.get('lang')));
const $ = (id) => document.getElementById(id);
let hls = null;
const heartbeat = new ViewerHeartbeat($('video'));

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

function speakers(replay) {
  return replay.speakers.map((p) => p.name).join(', ');
}

function play(replay) {
  $('replay-heading').textContent = replay.title;
  $('replay-people').textContent = speakers(replay);
  const video = $('video');
  video.dataset.session = replay.session;
  heartbeat.watch({ replay: replay.session });
  hls?.destroy();
  hls = null;
  if (Hls.isSupported()) {
    hls = new Hls();
    hls.loadSource(replay.playlist);
    hls.attachMedia(video);
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = replay.playlist;
  }
  video.play().catch(() => {}); // autoplay may be refused; the controls remain
  history.replaceState(null, '', `?session=${encodeURIComponent(replay.session)}`);
}

function render(replays) {
  const list = $('replays');
  list.replaceChildren();
  $('replays-empty').hidden = replays.length > 0;
  for (const replay of replays) {
    const button = el('button', { type: 'button', class: 'replay-play' }, strings.t('replay_play'));
    button.addEventListener('click', () => play(replay));
    list.append(el('li', { class: 'agenda-item', 'data-session-id': replay.session },
      el('h3', { class: 'agenda-title' }, replay.title),
      el('p', { class: 'agenda-people' }, speakers(replay)),
      el('p', { class: 'agenda-time' },
        strings.t('replay_duration', { m: Math.round(replay.duration_seconds / 60) })),
      button));
  }
  const wanted = replays.find((r) => r.session === params.get('session'));
  if (wanted) play(wanted);
}

async function load() {
  document.documentElement.lang = strings.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = strings.t(node.dataset.i18n);
  const event = params.get('event');
  const response = await fetch(`/api/v1/replays${event ? `?event=${encodeURIComponent(event)}` : ''}`,
    { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET /api/v1/replays: HTTP ${response.status}`);
  render((await response.json()).replays);
}

load().catch((error) => {
  $('replays-empty').hidden = false;
  $('replays-empty').textContent = String(error.message ?? error);
});
