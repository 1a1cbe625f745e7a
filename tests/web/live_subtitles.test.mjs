// Browser test: captions in the live HLS and in a replay, as hls.js in Debian's chromium
// shows them (docs/CAPTIONS.md, "Live subtitles in HLS"). A cue stored at wall time T (as the
// caption ingest stores a line arriving at T) must show in the video's text track with a
// startTime equal to the media time of the picture ingested at T: the time hls.js gives
// that picture from the playlist's EXT-X-PROGRAM-DATE-TIME (live) or from the replay's start
// (replay). The offsets are printed; within 100 ms is asserted.
//
// Run: node --test tests/web/live_subtitles.test.mjs (ctest: web.live_subtitles).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';

import { StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { eventually, sleep } from './support/wait.mjs';

const EVENT = 'tillsammans-for-fornyelse';
const STAGE = 'stora-salen';
const server = new StagehubServer();
let browser = null;

before(async () => {
  await server.start({
    demoSpeed: 1,
    extraArgs: ['--segment-seconds', '1', '--video', '640x360', '--ladder', '180p:320x180:300'],
  });
  browser = await launchBrowser();
});

after(async () => {
  await closeAll(browser, server);
});

// A live cue as the caption store keeps one (schedule/captions), written into the server's
// database as the ingest would: start at `atMs`, 3 s long.
function storeCue(atMs, text) {
  const sql =
    'INSERT INTO caption_cues (event_id, stage_id, session_id, language, kind, start_ms, end_ms, text, source) ' +
    `VALUES ('${EVENT}', '${STAGE}', NULL, 'sv', 'captions', ${atMs}, ${atMs + 3000}, '${text}', 'live');`;
  return new Promise((resolve, reject) => {
    execFile('sqlite3', ['-cmd', '.timeout 5000', path.join(server.dataDir, 'stagehub.db'), sql], (error, _, err) =>
      error ? reject(new Error(`sqlite3: ${err || error.message}`)) : resolve(),
    );
  });
}

// A player of our own: hls.js (the pages' copy) on a muted <video>.
// window.frags keeps every fragment of the main playlist: sn, start, duration, date.
async function openPlayer(page, source) {
  // The start page, for its origin; the player is added beside what it shows.
  await page.goto(new URL('/', server.url).href);
  await page.evaluate(async (src) => {
    const { default: Hls } = await import('/vendor/hls.js/dist/hls.mjs');
    const video = document.createElement('video');
    video.id = 'subs-video';
    video.muted = true;
    video.width = 640;
    document.body.prepend(video);
    const hls = new Hls({ subtitleDisplay: true });
    window.hls = hls;
    window.frags = new Map();
    hls.on(Hls.Events.LEVEL_LOADED, (_, data) => {
      for (const f of data.details.fragments) {
        window.frags.set(f.sn, { sn: f.sn, start: f.start, duration: f.duration, date: f.programDateTime });
      }
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    video.play().catch(() => {});
  }, source);
}

// The cue with `text` in the video's text tracks, once hls.js has added it: its times and
// the fragments it knows then.
function findCue(page, text) {
  return eventually(
    `the cue "${text}" in the video's text track`,
    async () => {
      const found = await page.evaluate((t) => {
        const video = document.getElementById('subs-video');
        video.play().catch(() => {});
        // Swedish captions on, once hls.js knows the tracks (it picks none of DEFAULT=NO).
        const sv = window.hls.subtitleTracks.findIndex((s) => s.lang === 'sv' && !s.characteristics);
        if (window.hls.subtitleTrack < 0 && sv >= 0) window.hls.subtitleTrack = sv;
        for (const track of video.textTracks) {
          for (const cue of track.cues ?? []) {
            if (cue.text === t)
              return {
                start: cue.startTime,
                end: cue.endTime,
                kind: track.kind,
                lang: track.language,
                frags: [...window.frags.values()],
                tracks: window.hls.subtitleTracks.map((s) => `${s.lang}:${s.name}`),
                time: video.currentTime,
              };
          }
        }
        return {
          missing: true,
          textTracks: [...video.textTracks].map((t) => `${t.kind}:${t.language}:${t.mode}:${t.cues?.length}`),
          subtitleTrack: window.hls.subtitleTrack,
          tracks: window.hls.subtitleTracks.map((s) => `${s.lang}:${s.name}`),
          time: video.currentTime,
        };
      }, text);
      assert.ok(found && !found.missing, `not in any text track yet: ${JSON.stringify(found)}`);
      return found;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

test(
  'a cue stored at T shows with the picture ingested at T, live and in the replay',
  { timeout: 150_000 },
  async () => {
    const { context, page, pageErrors } = await newPage(browser, server.url, { viewport: { width: 800, height: 600 } });
    try {
      // Live: the player runs, then a line arrives.
      await eventually(
        'the live stage',
        async () => {
          const response = await fetch(new URL(`/live/${STAGE}/source/index.m3u8`, server.url));
          assert.equal(response.status, 200);
          assert.match(await response.text(), /#EXTINF/);
        },
        { timeoutMs: 30_000 },
      );
      await openPlayer(page, `/live/${STAGE}/index.m3u8`);
      await eventually(
        'live playback',
        async () => {
          const time = await page.evaluate(() => document.getElementById('subs-video').currentTime);
          assert.ok(time > 0.5, `currentTime ${time}`);
        },
        { timeoutMs: 30_000 },
      );
      const liveAt = Date.now();
      await storeCue(liveAt, 'Välkomna till temadagen');
      const live = await findCue(page, 'Välkomna till temadagen');
      assert.deepEqual(live.tracks.slice(0, 1), ['sv:Svenska'], JSON.stringify(live.tracks));
      const holder = live.frags.find((f) => f.date <= liveAt && liveAt < f.date + f.duration * 1000);
      assert.ok(holder, `no fragment holds ${liveAt}: ${JSON.stringify(live.frags)}`);
      const livePicture = holder.start + (liveAt - holder.date) / 1000;
      const liveOffset = live.start - livePicture;
      console.log(
        `[ measured ] live: cue startTime ${live.start.toFixed(3)} s, picture of T at ${livePicture.toFixed(3)} s: ` +
          `offset ${(liveOffset * 1000).toFixed(1)} ms`,
      );
      assert.ok(Math.abs(liveOffset) < 0.1, `live cue ${(liveOffset * 1000).toFixed(1)} ms off its picture`);
      assert.ok(Math.abs(live.end - live.start - 3) < 0.01, `duration ${live.end - live.start}`);

      // The session ends; its replay keeps the cue, re-timed to the replay.
      const token = await server.adminToken(['create-organiser', '--name', 'Olle', '--event', EVENT]);
      await sleep(1500);
      const ended = await fetch(new URL(`/api/v1/events/${EVENT}/sessions/valkommen/end-now`, server.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(ended.status, 200, await ended.text());
      const replay = await eventually(
        'the replay',
        async () => {
          const response = await fetch(new URL(`/api/v1/replays/valkommen`, server.url));
          assert.equal(response.status, 200);
          return response.json();
        },
        { timeoutMs: 20_000, intervalMs: 500 },
      );
      await openPlayer(page, replay.playlist);
      const replayPicture = (liveAt - Date.parse(replay.covers_from)) / 1000;
      await page.evaluate((t) => {
        document.getElementById('subs-video').currentTime = Math.max(0, t - 1);
      }, replayPicture);
      const replayed = await findCue(page, 'Välkomna till temadagen');
      const replayOffset = replayed.start - replayPicture;
      console.log(
        `[ measured ] replay: cue startTime ${replayed.start.toFixed(3)} s, picture of T at ${replayPicture.toFixed(3)} s: ` +
          `offset ${(replayOffset * 1000).toFixed(1)} ms`,
      );
      assert.ok(Math.abs(replayOffset) < 0.1, `replay cue ${(replayOffset * 1000).toFixed(1)} ms off its picture`);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  },
);
