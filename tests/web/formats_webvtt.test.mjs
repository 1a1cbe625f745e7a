// Every WebVTT file stagehub writes, read by an independent strict parser (w3c/webvtt.js,
// support/webvtt_check.mjs) with the real binary broadcasting the demo day: a captioner's
// hostile and hard lines ('<', '&', '-->', '</c>', line breaks, Arabic, emoji, 500
// characters) go in through the caption ingest; the live segments (/live/{stage}/subs/…,
// and desc/…), the replay's segments (subs/ and, from an uploaded description
// track, desc/) and the organiser's downloads (?format=vtt) must each parse with no error
// or warning, and the text the parser reads back must be exactly the text that was sent.
//
// Run: node --test tests/web/formats_webvtt.test.mjs (ctest: web.formats_webvtt).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { StagehubServer } from './support/server.mjs';
import { eventually, sleep } from './support/wait.mjs';
import { endAsReplay, uploadTrack } from './support/replay_tracks.mjs';
import { InvalidWebVtt, readStrictWebVtt } from './support/webvtt_check.mjs';

const EVENT = 'tillsammans-for-fornyelse';
const STAGE = 'stora-salen';
const SESSION = 'valkommen'; // on STAGE, on air from the start
const TRACKS = `/api/v1/events/${EVENT}/sessions/${SESSION}/captions`;

const LONG = 'Lång rad med & och < och > och --> '.repeat(15).slice(0, 500);
// [sent, as a player must show it]: line breaks fold to one, nothing else changes.
const LINES = [
  ['a < b && c > d', 'a < b && c > d'],
  ['slut --> början --->', 'slut --> början --->'],
  [
    'inte taggar: </c> <v Anna> <i>kursiv</i> <00:00:01.000>',
    'inte taggar: </c> <v Anna> <i>kursiv</i> <00:00:01.000>',
  ],
  ['مرحبا بكم في المؤتمر', 'مرحبا بكم في المؤتمر'],
  ['🎤 Välkomna 👋🏽 &amp; 🇸🇪 &#60; &lt', '🎤 Välkomna 👋🏽 &amp; 🇸🇪 &#60; &lt'],
  [LONG, LONG],
];
// A description track as an organiser uploads it (SubRip): its text as a player shows it.
const DESCRIPTIONS_SRT =
  '1\r\n00:00:00,500 --> 00:00:02,000\r\nFish & chips --> på scenen\r\n\r\n' +
  '2\r\n00:00:02,000 --> 00:00:04,000\r\nمرحبا 🎤 &lt; <i>kursiv</i>\r\n\r\n';
const DESCRIPTIONS = ['Fish & chips --> på scenen', 'مرحبا 🎤 &lt; kursiv'];

const server = new StagehubServer();
let organiser = null;

before(async () => {
  await server.start({ demoSpeed: 1, extraArgs: ['--video', '320x180', '--ladder', 'none', '--segment-seconds', '1'] });
  organiser = await server.adminToken(['create-organiser', '--name', 'Anna Berg', '--event', EVENT]);
});

after(() => server.stop());

async function get(target, { token = organiser } = {}) {
  const response = await fetch(new URL(target, server.url), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await response.text();
  assert.equal(response.status, 200, `GET ${target}: ${text}`);
  return text;
}

// The .vtt segments of a subtitle playlist, each read strictly; all their cues.
async function segmentCues(playlist, { token = organiser } = {}) {
  const base = new URL(playlist, server.url);
  const uris = (await get(playlist, { token })).split('\n').filter((line) => line && !line.startsWith('#'));
  const cues = [];
  for (const uri of uris) {
    const segment = new URL(uri, base);
    cues.push(...readStrictWebVtt(await get(segment.pathname, { token }), segment.pathname, { hls: true }));
  }
  return { segments: uris.length, cues };
}

function assertShows(cues, expected, what) {
  const shown = cues.map((cue) => cue.text);
  for (const text of expected)
    assert.ok(shown.includes(text), `${what}: no cue shows ${JSON.stringify(text)} in ${JSON.stringify(shown)}`);
}

test('every WebVTT file stagehub writes is valid and says what was sent', { timeout: 150_000 }, async () => {
  await sleep(3000); // a few segments on air first
  for (const [sent, shown] of LINES) {
    const answer = await server.api('POST', `/api/v1/events/${EVENT}/stages/${STAGE}/captions`, {
      token: organiser,
      body: { text: sent, language: 'sv' },
    });
    assert.equal(answer.status, 201, `${JSON.stringify(sent)}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.cues[0].text, shown, 'the answer gives the plain text back');
    await sleep(300); // well under the cue rate limit
  }
  // Line breaks: a text/plain body is a cue a line (CRLF, LF, blank lines); a text/vtt
  // body keeps a cue's two lines, its markup and its own escapes.
  const plain = await fetch(new URL(`/api/v1/events/${EVENT}/stages/${STAGE}/captions?language=sv`, server.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${organiser}`, 'content-type': 'text/plain' },
    body: 'första raden & <b>\r\nandra raden -->\n\n\rtredje raden',
  });
  assert.equal(plain.status, 201, await plain.text());
  await sleep(300);
  const vtt = await fetch(new URL(`/api/v1/events/${EVENT}/stages/${STAGE}/captions?language=sv`, server.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${organiser}`, 'content-type': 'text/vtt' },
    body: 'WEBVTT\r\n\r\n00:00:00.000 --> 00:00:02.000 align:start\r\n<v Anna>två rader &amp; &lt;\r\n<i>andra</i> raden\r\n\r\n',
  });
  assert.equal(vtt.status, 201, await vtt.text());
  const expected = [
    ...LINES.map(([, shown]) => shown),
    'första raden & <b>',
    'andra raden -->',
    'tredje raden',
    'två rader & <\nandra raden',
  ];

  // Live: the cues start in the segments being cut now; wait until all are in closed ones.
  // An invalid segment fails at once: the wait is for the cues, not for a valid file.
  let invalid = null;
  await eventually(
    'every live line in the live subtitle segments',
    async () => {
      try {
        const { cues } = await segmentCues(`/live/${STAGE}/subs/sv/index.m3u8`, { token: null });
        assertShows(cues, expected, 'live');
      } catch (error) {
        if (!(error instanceof InvalidWebVtt)) throw error;
        invalid = error;
      }
    },
    { timeoutMs: 40_000, intervalMs: 1000 },
  );
  if (invalid) throw invalid;
  // A description sent live, with the same hostile text: its own desc/ segments.
  const [describedSent, describedShown] = LINES[0];
  const described = await server.api('POST', `/api/v1/events/${EVENT}/stages/${STAGE}/captions`, {
    token: organiser,
    body: { text: describedSent, language: 'sv', kind: 'descriptions' },
  });
  assert.equal(described.status, 201, JSON.stringify(described.body));
  await eventually(
    'the live description in the live description segments',
    async () => {
      const liveDesc = await segmentCues(`/live/${STAGE}/desc/sv/index.m3u8`, { token: null });
      assert.deepEqual(
        liveDesc.cues.map((cue) => cue.text),
        [describedShown],
      );
    },
    { timeoutMs: 40_000, intervalMs: 1000 },
  );

  // The replay of the welcome, ended now: its window holds every line.
  await sleep(2000);
  await endAsReplay(server, organiser, EVENT, SESSION);
  await uploadTrack(server, organiser, {
    event: EVENT,
    session: SESSION,
    language: 'sv',
    kind: 'descriptions',
    type: 'application/x-subrip',
    file: DESCRIPTIONS_SRT,
  });

  const master = await get(`/api/v1/replays/${SESSION}/playlist.m3u8`);
  assert.match(master, /URI="subs\/sv\/playlist\.m3u8"/, master);
  assert.match(master, /URI="desc\/sv\/playlist\.m3u8"/, master);
  const replaySubs = await segmentCues(`/api/v1/replays/${SESSION}/subs/sv/playlist.m3u8`);
  assert.ok(replaySubs.segments > 0);
  assertShows(replaySubs.cues, expected, 'replay subs');
  const replayDesc = await segmentCues(`/api/v1/replays/${SESSION}/desc/sv/playlist.m3u8`);
  assertShows(replayDesc.cues, DESCRIPTIONS, 'replay desc');

  // The organiser's downloads: a plain WebVTT file, no header lines tolerated; the times
  // those of the JSON track.
  for (const [kind, texts] of [
    ['captions', expected],
    ['descriptions', DESCRIPTIONS],
  ]) {
    const file = await get(`${TRACKS}/sv?kind=${kind}&format=vtt`);
    const cues = readStrictWebVtt(file, `the ${kind} download`);
    assert.deepEqual(
      cues.map((cue) => cue.text).sort(),
      [...texts].sort(),
      `the ${kind} download shows exactly what was sent (in time order; the WebVTT POST has its own times)`,
    );
    const track = JSON.parse(await get(`${TRACKS}/sv?kind=${kind}`));
    assert.deepEqual(
      cues.map((cue) => [Math.round(cue.start * 1000), Math.round(cue.end * 1000)]),
      track.cues.map((cue) => [Math.max(0, cue.start_ms), Math.max(1, cue.end_ms)]),
      `the ${kind} download's times are the track's`,
    );
  }
});
