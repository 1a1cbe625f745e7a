// Browser test of interpretation audio: a stage of the real server takes an interpreter's
// booth over SRT (gst-launch sending a tone alone, MPEG-TS with AAC, as a booth's encoder
// would), and hls.js in Debian's chromium offers two sounds for the live stage, the
// program's own and the interpretation, switches to the interpretation from the watch
// page's sound menu and plays on; and the replay of the talk carries the interpretation
// too and plays it. A describer's booth (audio description, in the programme's own
// language) sends beside the interpreter: it is its own rendition with the describes-video
// characteristic, live and in the replay, and the sound menu names it audio description.
//
// Run: node --test tests/web/interpretation.test.mjs (ctest: web.interpretation).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { connectCaller, freeUdpPort, senders, startGstLaunch, talkDaySessions } from './support/talk_day.mjs';
import { eventually, sleep } from './support/wait.mjs';

const TALK_SECONDS = 40;
const BOOTH = 'English (interpretation)';
const DESCRIBED_LINE =
  /LANGUAGE="sv",NAME="Svenska – syntolkat",DEFAULT=NO,AUTOSELECT=NO,CHARACTERISTICS="public\.accessibility\.describes-video",URI="audio-sv-described\//;
const DESCRIBED_CHOICE = 'Syntolkat ljud – svenska'; // web/i18n/player.mjs, audio_described

// The booth's encoder: a 880 Hz tone, AAC-LC stereo 48 kHz, alone in MPEG-TS over SRT.
function startBooth(port) {
  const line = ['-q', '-e', 'audiotestsrc', 'is-live=true', 'freq=880', '!', 'audioconvert', '!'];
  line.push('audio/x-raw,rate=48000,channels=2', '!', 'avenc_aac', 'bitrate=96000', '!', 'aacparse');
  line.push('!', 'mpegtsmux', 'alignment=7', '!', 'srtsink', `uri=srt://127.0.0.1:${port}?mode=caller`);
  return startGstLaunch(line);
}

function connectBooth(port) {
  return connectCaller(() => startBooth(port), `booth to 127.0.0.1:${port}`);
}

const server = new StagehubServer();
let browser = null;
let dir = null;
let boothPort = 0;
let describerPort = 0;
let token = null;
let captioner = null;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'stagehub-interpretation-'));
  boothPort = await freeUdpPort();
  describerPort = await freeUdpPort();
  const programme = {
    format: 'stagehub-programme/1',
    event: { id: 'tolkning', title: 'Tolkad dag', time_zone: 'Europe/Stockholm', languages: ['sv'] },
    stages: [
      {
        id: 'salen',
        name: 'Salen',
        audio_inputs: [
          { language: 'en', name: BOOTH, url: `srt://127.0.0.1:${boothPort}` },
          { language: 'sv', name: 'Syntolkning', url: `srt://127.0.0.1:${describerPort}`, describes_video: true },
        ],
      },
    ],
    sessions: talkDaySessions('salen', 'Tolkat samtal', TALK_SECONDS),
  };
  const file = path.join(dir, 'programme.json');
  await writeFile(file, JSON.stringify(programme));
  await server.start({
    programme: file,
    demoSpeed: 1,
    extraArgs: ['--video', '640x360', '--segment-seconds', '1', '--ladder', '180p:320x180:300'],
  });
  browser = await launchBrowser();
  token = await server.adminToken(['create-organiser', '--name', 'Olle', '--event', 'tolkning']);
  captioner = await server.adminToken(['create-captioner', '--name', 'Kim', '--event', 'tolkning']);
  await connectBooth(boothPort);
  await connectBooth(describerPort);
});

after(async () => {
  for (const child of senders) child.kill('SIGKILL');
  await closeAll(browser, server, async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
});

async function health() {
  const response = await fetch(new URL('/api/v1/stages/salen/health', server.url), {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  return response.json();
}

test('the live stage offers the interpretation and plays it', { timeout: 90_000 }, async () => {
  await eventually(
    'the booth received',
    async () => {
      const h = await health();
      assert.equal(h.audio_inputs?.[0]?.state, 'receiving', JSON.stringify(h));
      assert.equal(h.audio_inputs[0].rendition, 'audio-en');
      assert.equal(h.audio_inputs[1]?.state, 'receiving', JSON.stringify(h));
      assert.equal(h.audio_inputs[1].rendition, 'audio-sv-described');
    },
    { timeoutMs: 30_000 },
  );
  const master = await (await fetch(new URL('/live/salen/index.m3u8', server.url))).text();
  assert.match(master, /#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="sv",NAME="Svenska",DEFAULT=YES/);
  assert.match(
    master,
    /LANGUAGE="en",NAME="English \(interpretation\)",DEFAULT=NO,AUTOSELECT=NO,URI="audio-en\/index.m3u8"/,
  );
  assert.match(master, DESCRIBED_LINE);

  // A text description too, so that the viewer can turn audio description on.
  const described = await fetch(new URL('/api/v1/events/tolkning/stages/salen/captions', server.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${captioner}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'En kvinna går upp på scenen', language: 'sv', kind: 'descriptions' }),
  });
  assert.ok(described.ok, `${described.status} ${await described.text()}`);
  // The master lists it from the next segment on; a player reads the master once.
  await eventually('the description track in the live master', async () => {
    const now = await (await fetch(new URL('/live/salen/index.m3u8', server.url))).text();
    assert.match(now, /URI="desc\/sv\/index\.m3u8"/, now);
  });

  const { context, page, pageErrors } = await newPage(browser, server.url, {
    viewport: { width: 1280, height: 800 },
    locale: 'sv-SE',
  });
  const boothRequests = [];
  page.on('request', (request) => {
    if (request.url().includes('/live/salen/audio-en/') && request.url().endsWith('.ts'))
      boothRequests.push(request.url());
  });
  try {
    await page.goto(new URL('/watch/salen', server.url).href);
    const tracks = await eventually(
      'three sounds in the player',
      async () => {
        const list = await page.evaluate(() =>
          (window.stagehubPlayer.hls?.audioTracks ?? []).map((t) => ({ name: t.name, language: t.lang })),
        );
        assert.equal(list.length, 3, JSON.stringify(list));
        return list;
      },
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(
      tracks.map((t) => [t.name, t.language]),
      [
        ['Svenska', 'sv'],
        [BOOTH, 'en'],
        ['Svenska – syntolkat', 'sv'],
      ],
    );
    // The viewer picks the interpretation from the sound menu, with the keyboard.
    // (web/player_captions.mjs: the audio-track choice beside the caption button)
    const menu = page.locator('select[id^="audio-track-"]');
    assert.equal(await menu.isVisible(), true);
    assert.equal(await menu.locator('option[value="2"]').textContent(), DESCRIBED_CHOICE);
    // Audio description on (the description chosen among the text tracks): the described
    // sound of the language listened to; captions chosen instead: the programme's own again.
    const soundPlaying = () => page.evaluate(() => window.stagehubPlayer.hls.audioTrack);
    const textTracks = page.locator('select[id^="caption-track-"]');
    await eventually('the description offered', async () => assert.equal(await textTracks.isVisible(), true), {
      timeoutMs: 20_000,
    });
    assert.equal(await textTracks.locator('option[value="1"]').textContent(), 'Syntolkning – svenska');
    await textTracks.selectOption('1');
    await eventually('the described sound', async () => assert.equal(await soundPlaying(), 2));
    assert.equal(await menu.locator('option:checked').textContent(), DESCRIBED_CHOICE);
    await textTracks.selectOption('0');
    await eventually("the programme's own sound", async () => assert.equal(await soundPlaying(), 0));
    await menu.focus();
    await menu.selectOption('1');
    await eventually(
      'the interpretation playing',
      async () => {
        const state = await page.evaluate(() => ({
          track: window.stagehubPlayer.hls.audioTrack,
          time: document.getElementById('video').currentTime,
          error: document.getElementById('video').error?.message ?? null,
        }));
        assert.equal(state.track, 1);
        assert.equal(state.error, null);
        assert.ok(boothRequests.length >= 2, `${boothRequests.length} segments of the interpretation fetched`);
      },
      { timeoutMs: 20_000 },
    );
    const before = await page.evaluate(() => document.getElementById('video').currentTime);
    await sleep(4000);
    const after = await page.evaluate(() => ({
      time: document.getElementById('video').currentTime,
      error: document.getElementById('video').error?.message ?? null,
      paused: document.getElementById('video').paused,
    }));
    assert.equal(after.error, null);
    assert.ok(after.time >= before + 2.5, `currentTime ${after.time} (was ${before})`);
    assert.equal(await menu.locator('option:checked').textContent(), BOOTH);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the replay of the talk carries the interpretation and plays it', { timeout: 120_000 }, async () => {
  const replay = await eventually(
    'the replay of the talk',
    async () => {
      const response = await fetch(new URL('/api/v1/replays?event=tolkning', server.url));
      const { replays } = await response.json();
      const found = replays.find((r) => r.session === 'talk');
      assert.ok(found, 'not listed yet');
      return found;
    },
    { timeoutMs: (TALK_SECONDS + 30) * 1000, intervalMs: 500 },
  );
  const playlist = new URL(replay.playlist, server.url).href;
  const master = await (await fetch(playlist)).text();
  assert.match(
    master,
    /#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="en",NAME="English \(interpretation\)".*URI="audio-en\/playlist.m3u8"/,
  );
  assert.match(master, DESCRIBED_LINE);
  // The interpretation is held back by a segment and a second (AudioLane), so its last
  // segments reach the archive that much after the picture's.
  const segments = (text) => text.split('\n').filter((line) => line.startsWith('#EXTINF')).length;
  await eventually(
    'the interpretation recorded as long as the picture',
    async () => {
      const booth = await (await fetch(new URL('audio-en/playlist.m3u8', playlist))).text();
      const video = await (await fetch(new URL('source/playlist.m3u8', playlist))).text();
      assert.ok(segments(booth) >= TALK_SECONDS - 3, booth);
      assert.ok(Math.abs(segments(booth) - segments(video)) <= 1, `${segments(booth)} vs ${segments(video)}`);
    },
    { timeoutMs: 15_000, intervalMs: 1000 },
  );

  const { context, page, pageErrors } = await newPage(browser, server.url, { locale: 'sv-SE' });
  const boothPlaylists = [];
  page.on('request', (request) => {
    if (request.url().includes('/audio-en/playlist.m3u8')) boothPlaylists.push(request.url());
  });
  try {
    await page.goto(new URL('/replays.html?session=talk', server.url).href);
    await page.evaluate(() => {
      document.getElementById('video').muted = true;
    });
    await eventually(
      'three sounds in the replay',
      async () => {
        const names = await page.evaluate(() => window.stagehubReplayHls?.audioTracks.map((t) => t.name));
        assert.deepEqual(names, ['Svenska', BOOTH, 'Svenska – syntolkat']);
      },
      { timeoutMs: 20_000 },
    );
    // The replay page's sound menu, by keyboard as a viewer would.
    const menu = page.locator('select[id^="audio-track-"]');
    assert.equal(await menu.isVisible(), true);
    assert.equal(await menu.locator('option[value="2"]').textContent(), DESCRIBED_CHOICE);
    await menu.focus();
    await menu.selectOption('1');
    await eventually(
      'the replay playing with the interpretation',
      async () => {
        await page.evaluate(() =>
          document
            .getElementById('video')
            .play()
            .catch(() => {}),
        );
        const state = await page.evaluate(() => ({
          track: window.stagehubReplayHls.audioTrack,
          time: document.getElementById('video').currentTime,
          error: document.getElementById('video').error?.message ?? null,
        }));
        assert.equal(state.track, 1);
        assert.equal(state.error, null);
        assert.ok(boothPlaylists.length > 0, 'the interpretation was never loaded');
        assert.ok(state.time > 3, `currentTime ${state.time}`);
      },
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
