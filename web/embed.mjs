// The embeddable player (/embed/{stage}): the stage's live stream and what is on now,
// kept live from the `now:{stage}` websocket channel. For organisers' own sites, in an
// <iframe src="https://stagehub.example/embed/stora-salen">.
import { LivePlayer } from './live_player.mjs';
import { ProgrammeFeed } from './programme_feed.mjs';
import { ViewerHeartbeat } from './viewer_heartbeat.mjs';
import { PlayerCaptions } from './player_captions.mjs';
import { pickLanguage } from './strings.mjs';

const $ = (id) => document.getElementById(id);
const stage = decodeURIComponent(window.location.pathname.split('/')[2] ?? '');

const STATUS_TEXT = {
  waiting: 'Sändningen börjar snart …',
  recovering: 'Återansluter …',
  offline: 'Ingen sändning just nu',
  ended: 'Ingen sändning just nu',
  unsupported: 'Webbläsaren kan inte spela upp sändningen',
};

const lang = pickLanguage(
  navigator.languages ?? [navigator.language],
  new URLSearchParams(location.search).get('lang'),
);
const captions = new PlayerCaptions({
  video: $('video'),
  styleRoot: $('player'),
  bar: $('caption-bar'),
  lang,
  descriptionAfter: $('caption-bar'),
});

const player = new LivePlayer($('video'), {
  onhls: (hls) => captions.attach(hls),
  onstate: (state) => {
    document.body.dataset.state = state;
    const text = STATUS_TEXT[state] ?? '';
    $('status').textContent = text;
    $('status').hidden = !text;
  },
});
player.load(`/live/${encodeURIComponent(stage)}/index.m3u8`);
new ViewerHeartbeat($('video')).watch({ stage });

const feed = new ProgrammeFeed({ poll: false });
feed.follow([`now:${stage}`]);
feed.addEventListener('now', ({ detail }) => {
  if (detail.stage !== stage) return;
  const now = detail.now;
  $('now').hidden = !now;
  $('now-title').textContent = now ? now.title : '';
  $('now-people').textContent = now ? (now.people ?? []).map((person) => person.name).join(', ') : '';
  if (now?.language) document.documentElement.lang = now.language;
});
feed.start();
