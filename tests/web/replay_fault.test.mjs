// Browser test: a talk whose encoder crashed in the middle still becomes one replay. An SRT
// sender (gst-launch, the OBS stand-in) feeds a stage of the real server; it is killed
// mid-talk, the slate covers the gap, it is started again; after the talk the replay's
// duration matches the talk's actual times within a segment, and hls.js in Debian's
// chromium plays it, through the stretch where the slate was on air.
//
// Run: node --test tests/web/replay_fault.test.mjs (ctest: web.replay_fault).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { connectCaller, freeUdpPort, senders, startGstLaunch, talkDaySessions } from './support/talk_day.mjs';
import { eventually, sleep } from './support/wait.mjs';
import { videoState, waitForPlayingOn, waitForStart } from './support/video_state.mjs';

const PASSPHRASE = 'replay-fault-secret';
const TALK_SECONDS = 36;
const SEGMENT_SECONDS = 1;

// gst-launch as an encoder in a venue: live picture with a clock, H.264 + AAC over SRT.
function startSender(port) {
  const line = [
    '-q',
    '-e',
    'videotestsrc',
    'is-live=true',
    'pattern=ball',
    '!',
    'video/x-raw,width=640,height=360,framerate=25/1',
    '!',
    'clockoverlay',
    '!',
    'x264enc',
    'speed-preset=ultrafast',
    'tune=zerolatency',
    'bitrate=800',
    'key-int-max=25',
    '!',
    'h264parse',
    'config-interval=-1',
    '!',
    'queue',
    '!',
    'mpegtsmux',
    'name=m',
    'alignment=7',
    '!',
    'srtsink',
    `uri=srt://127.0.0.1:${port}?mode=caller`,
    `passphrase=${PASSPHRASE}`,
    'pbkeylen=16',
    'audiotestsrc',
    'is-live=true',
    '!',
    'audioconvert',
    '!',
    'audio/x-raw,rate=48000,channels=2',
    '!',
    'avenc_aac',
    'bitrate=128000',
    '!',
    'aacparse',
    '!',
    'queue',
    '!',
    'm.',
  ];
  return startGstLaunch(line);
}

function connectSender(port) {
  return connectCaller(() => startSender(port), `SRT sender to 127.0.0.1:${port}`);
}

const server = new StagehubServer();
let browser = null;
let dir = null;
let srtPort = 0;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'stagehub-replay-fault-'));
  srtPort = await freeUdpPort();
  const programme = {
    format: 'stagehub-programme/1',
    event: { id: 'fault', title: 'Feltest', time_zone: 'Europe/Stockholm', languages: ['sv'] },
    stages: [
      {
        id: 'salen',
        name: 'Salen',
        source: { kind: 'srt', url: `srt://127.0.0.1:${srtPort}`, passphrase: PASSPHRASE },
      },
    ],
    sessions: talkDaySessions('salen', 'Idéslussen', TALK_SECONDS),
  };
  const file = path.join(dir, 'programme.json');
  await writeFile(file, JSON.stringify(programme));
  await server.start({
    programme: file,
    demoSpeed: 1,
    extraArgs: ['--video', '640x360', '--segment-seconds', String(SEGMENT_SECONDS), '--ladder', '180p:320x180:300'],
  });
  browser = await launchBrowser();
});

after(async () => {
  for (const child of senders) child.kill('SIGKILL');
  await closeAll(browser, server, async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
});

test(
  'a talk whose encoder crashed mid-way is one replay that plays through the gap',
  { timeout: 150_000 },
  async () => {
    const token = await server.adminToken(['create-organiser', '--name', 'Olle', '--event', 'fault']);
    const health = async () => {
      const response = await fetch(new URL('/api/v1/stages/salen/health', server.url), {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(response.status, 200);
      return response.json();
    };
    const sender = await connectSender(srtPort);
    await eventually(
      'the input on air',
      async () => {
        const h = await health();
        assert.equal(h.on_air, 'input', JSON.stringify(h));
      },
      { timeoutMs: 20_000 },
    );
    // Six seconds into the talk...
    const programme = await (await fetch(new URL('/api/v1/programme', server.url))).json();
    const talk = programme.events[0].sessions.find((session) => session.id === 'talk');
    await sleep(Math.max(0, Date.parse(talk.start) + 6000 - Date.now()));

    // ... the encoder crashes; the slate covers the stage.
    const killedAt = Date.now();
    sender.kill('SIGKILL');
    await eventually(
      'the slate on air',
      async () => {
        const h = await health();
        assert.equal(h.on_air, 'slate', JSON.stringify(h));
      },
      { timeoutMs: 5_000, intervalMs: 100 },
    );
    await eventually(
      'the listener ready for a new caller',
      async () => {
        const h = await health();
        assert.equal(h.source.state, 'waiting', JSON.stringify(h));
      },
      { timeoutMs: 20_000 },
    );
    await connectSender(srtPort); // kept in `senders` until after()
    await eventually(
      'the input back on air',
      async () => {
        const h = await health();
        assert.equal(h.on_air, 'input', JSON.stringify(h));
      },
      { timeoutMs: 20_000 },
    );

    // After the talk: one replay, as long as the talk really ran, to within one segment.
    const replay = await eventually(
      'the replay of the talk',
      async () => {
        const response = await fetch(new URL('/api/v1/replays?event=fault', server.url));
        const { replays } = await response.json();
        const found = replays.find((r) => r.session === 'talk');
        assert.ok(found, 'not listed yet');
        return found;
      },
      { timeoutMs: (TALK_SECONDS + 20) * 1000, intervalMs: 500 },
    );
    const actual = (Date.parse(replay.to) - Date.parse(replay.from)) / 1000;
    assert.ok(
      Math.abs(replay.duration_seconds - actual) <= SEGMENT_SECONDS,
      `replay ${replay.duration_seconds} s for a talk of ${actual} s`,
    );
    const faultOffset = (killedAt - Date.parse(replay.covers_from)) / 1000;
    assert.ok(faultOffset > 2 && faultOffset < replay.duration_seconds - 4, `fault at ${faultOffset} s`);

    const { context, page, pageErrors } = await newPage(browser, server.url, {
      viewport: { width: 1280, height: 800 },
      locale: 'sv-SE',
    });
    try {
      await page.goto(new URL('/replays.html?session=talk', server.url).href);
      await page.evaluate(() => {
        document.getElementById('video').muted = true;
      });
      // The page may still be loading the replay into the player: a play() it interrupts
      // is asked again until playback runs.
      const first = await waitForStart(page, { playEachTry: true });
      assert.equal(first.error, null);
      assert.ok(first.ready >= 2 && first.time > 0.2, JSON.stringify(first));
      const later = await waitForPlayingOn(page, first);
      assert.ok(later.time >= first.time + 2, `currentTime ${later.time} (was ${first.time})`);
      const v = await videoState(page);
      assert.ok(
        Math.abs(v.duration - replay.duration_seconds) < 1.5,
        `the player sees ${v.duration} s, the server lists ${replay.duration_seconds} s`,
      );

      // Just before the crash: it plays on through the slate and back into the talk.
      const from = Math.max(0, faultOffset - 1);
      await page.evaluate((t) => {
        document.getElementById('video').currentTime = t;
      }, from);
      await eventually(
        'playback through the fault',
        async () => {
          const now = await videoState(page);
          assert.equal(now.error, null);
          assert.ok(now.time >= from + 5, `currentTime ${now.time} after seeking to ${from}`);
        },
        { timeoutMs: 20_000 },
      );
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  },
);
