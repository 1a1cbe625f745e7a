// Browser test of the caption controls on the public replays page (/replays?session=…,
// web/replays.mjs with web/player_captions.mjs) against the real stagehub binary
// broadcasting the demo day: the welcome talk gets live cues in Swedish while on air, is
// ended early to become a replay, and is given an uploaded English track and a Swedish
// audio-description track. In Chromium: the captions button is reached by keyboard right
// after the player's own controls, Enter and `c` turn captions on and off, the track
// choice lists the three tracks, each chosen track's cue is the active cue of the video's
// text track at its media time (the description's in the region under the player too),
// the size, colour and background chosen are kept across a reload, and axe-core finds no
// serious violation.
//
// Run: node --test tests/web/replay_player_captions.test.mjs (ctest: web.replay_player_captions).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { assertAccessible, DESKTOP } from './support/page_checks.mjs';
import { endAsReplay, uploadTrack } from './support/replay_tracks.mjs';
import { eventually, sleep } from './support/wait.mjs';

const EVENT = 'tillsammans-for-fornyelse';
const STAGE = 'stora-salen';
const SESSION = 'valkommen'; // on STAGE, on air from the start
const LIVE_LINE = 'Välkomna, vi börjar & vi slutar <snart>';
// The uploaded tracks, timed from the replay's start (its currentTime 0); each cue long
// enough that a seek lands well inside it.
const ENGLISH = [
  [0, 3000, 'Welcome, everyone'],
  [3000, 6000, 'We begin in a minute & a half'],
  [6000, 600000, 'Thank you'],
];
const DESCRIPTION = [[0, 600000, 'En talare går upp på scenen']];
const cueOf = ([start, end, text]) => ({ start: start / 1000, end: end / 1000, text });

const vtt = (cues) =>
  'WEBVTT\n\n' +
  cues
    .map(([start, end, text]) => {
      const time = (ms) => new Date(ms).toISOString().slice(11, 23);
      return `${time(start)} --> ${time(end)}\n${text.replaceAll('&', '&amp;')}\n`;
    })
    .join('\n');

const server = new StagehubServer();
let browser = null;
let organiser = null;
let liveCue = null; // the live line's times in the replay, in seconds

before(async () => {
  await server.start({ demoSpeed: 1, extraArgs: ['--video', '320x180', '--ladder', 'none', '--segment-seconds', '1'] });
  organiser = await server.adminToken(['create-organiser', '--name', 'Anna Berg', '--event', EVENT]);
  browser = await launchBrowser();

  await sleep(3000);
  const posted = await server.api('POST', `/api/v1/events/${EVENT}/stages/${STAGE}/captions`, {
    token: organiser,
    body: { text: LIVE_LINE, language: 'sv' },
  });
  assert.equal(posted.status, 201, JSON.stringify(posted.body));
  await sleep(6000); // the line's few seconds on air, inside the replay's window
  await endAsReplay(server, organiser, EVENT, SESSION);
  const track = (language, kind) => ({ event: EVENT, session: SESSION, language, kind, type: 'text/vtt' });
  await uploadTrack(server, organiser, { ...track('en', 'captions'), file: vtt(ENGLISH) });
  await uploadTrack(server, organiser, { ...track('sv', 'descriptions'), file: vtt(DESCRIPTION) });
  const live = await server.api('GET', `/api/v1/events/${EVENT}/sessions/${SESSION}/captions/sv`, {
    token: organiser,
  });
  assert.equal(live.status, 200, JSON.stringify(live.body));
  assert.equal(live.body.own, false, 'Swedish captions are the live cues of the window');
  const cue = live.body.cues.find((c) => c.text === 'Välkomna, vi börjar &amp; vi slutar &lt;snart&gt;');
  assert.ok(cue, JSON.stringify(live.body.cues));
  liveCue = { start: cue.start_ms / 1000, end: cue.end_ms / 1000, text: LIVE_LINE };
});

after(() => closeAll(browser, server));

// What the replay page's player shows: the captions button, the track choice, the
// settings, and the video's text tracks with their active cues.
function readPlayer(page) {
  return page.evaluate(() => {
    const video = document.getElementById('video');
    const choice = document.querySelector('#caption-bar select[id^="caption-track-"]');
    const tracks = [...video.textTracks].map((track) => ({
      language: track.language,
      kind: track.kind,
      label: track.label,
      mode: track.mode,
      active: [...(track.activeCues ?? [])].map((cue) => ({
        text: cue.getCueAsHTML().textContent,
        start: cue.startTime,
        end: cue.endTime,
      })),
      // The cues loaded so far, for a failure's message.
      cues: [...(track.cues ?? [])].slice(0, 6).map((cue) => `${cue.startTime}-${cue.endTime} ${cue.text}`),
    }));
    return {
      focused: document.activeElement?.id ?? null,
      buttonShown: !document.getElementById('captions').hidden,
      pressed: document.getElementById('captions').getAttribute('aria-pressed'),
      choices: choice ? [...choice.options].map((option) => option.textContent) : [],
      chosen: choice?.selectedOptions[0]?.textContent ?? null,
      choiceShown: Boolean(choice && !choice.closest('label').hidden),
      tracks,
      shown: tracks.filter((t) => t.mode === 'showing'),
      hidden: tracks.filter((t) => t.mode === 'hidden'),
      description:
        document.querySelector('.caption-description')?.hidden === false
          ? document.querySelector('.caption-description-text').textContent
          : null,
      time: video.currentTime,
      player: { ...document.getElementById('player').dataset },
      settings: Object.fromEntries(
        [...document.querySelectorAll('#caption-bar [data-setting]')].map((s) => [
          s.dataset.setting,
          s.type === 'checkbox' ? s.checked : s.value,
        ]),
      ),
      kept: JSON.parse(localStorage.getItem('stagehub.captions') ?? 'null'),
    };
  });
}

// Plays from half a second before `cue` ({start, end, text}, seconds) and waits until the
// track in `mode` has it as its active cue, at a media time inside it and with its own
// times. From before it, as a viewer meets it: a segment's .vtt holds the cues that start
// in it, so a seek into the middle of a cue loads a later segment and shows nothing until
// the next cue (docs/CAPTIONS.md, "Live subtitles in HLS").
async function assertCueShows(page, cue, mode, what) {
  await page.evaluate(
    (from) => {
      const video = document.getElementById('video');
      video.muted = true;
      video.currentTime = from;
      video.play().catch(() => {});
    },
    Math.max(0, cue.start - 0.5),
  );
  await eventually(
    what,
    async () => {
      const seen = await readPlayer(page);
      const tracks = mode === 'showing' ? seen.shown : seen.hidden;
      assert.equal(tracks.length, 1, JSON.stringify(seen.tracks));
      const [active] = tracks[0].active;
      assert.deepEqual(
        tracks[0].active.map((c) => c.text),
        [cue.text],
        `at ${seen.time}: ${JSON.stringify(tracks[0])}`,
      );
      assert.ok(seen.time >= cue.start - 0.05 && seen.time <= cue.end + 0.05, `shown at ${seen.time}`);
      assert.ok(
        Math.abs(active.start - cue.start) < 0.05 && Math.abs(active.end - cue.end) < 0.05,
        JSON.stringify(active),
      );
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

test(
  'the replays page: captions by keyboard, the track choice, cues in time, settings kept',
  { timeout: 150_000 },
  async () => {
    const { context, page, pageErrors } = await newPage(browser, server.url, { viewport: DESKTOP, locale: 'sv-SE' });
    try {
      await page.goto(new URL(`/replays?session=${SESSION}`, server.url).href);
      await eventually(
        'the captions button and the three tracks of the replay',
        async () => {
          const seen = await readPlayer(page);
          assert.equal(seen.buttonShown, true, JSON.stringify(seen));
          assert.equal(seen.pressed, 'false', 'captions start off');
          assert.equal(seen.choices.length, 3, JSON.stringify(seen.choices));
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      const { choices } = await readPlayer(page);
      assert.ok(
        choices.some((c) => /svenska/i.test(c) && !/syntolkning/i.test(c)),
        JSON.stringify(choices),
      );
      assert.ok(
        choices.some((c) => /english|engelska/i.test(c)),
        JSON.stringify(choices),
      );
      assert.ok(
        choices.some((c) => /syntolkning/i.test(c)),
        JSON.stringify(choices),
      );

      // By keyboard: from the video, Tab goes through the player's own controls (play
      // first) and then to the captions button.
      await page.locator('#video').focus();
      let tabs = 0;
      while ((await readPlayer(page)).focused !== 'captions' && tabs < 20) {
        await page.keyboard.press('Tab');
        tabs += 1;
      }
      assert.equal((await readPlayer(page)).focused, 'captions', `not reached in ${tabs} Tabs`);
      const order = await page.evaluate(() => {
        const focusable = [...document.querySelectorAll('video, button, select, summary, a[href], input')];
        const shown = focusable.filter((e) => !e.closest('[hidden]') && !e.hidden);
        const video = shown.indexOf(document.getElementById('video'));
        return shown.slice(video, video + 2).map((e) => e.id);
      });
      assert.deepEqual(order, ['video', 'captions'], 'the captions button is the next control after the player');
      await page.keyboard.press('Enter');
      await eventually('captions on by Enter', async () => assert.equal((await readPlayer(page)).pressed, 'true'));
      await page.keyboard.press('c');
      await eventually('captions off by c', async () => {
        const seen = await readPlayer(page);
        assert.equal(seen.pressed, 'false');
        assert.equal(seen.shown.length, 0);
      });
      await page.keyboard.press('c');
      await eventually('captions on by c', async () => assert.equal((await readPlayer(page)).pressed, 'true'));

      // Swedish (the page's language) first: the live line at its time in the replay.
      await assertCueShows(page, liveCue, 'showing', 'the live line');
      // English, chosen from the list: its second cue at 4.5 s, its first at 1 s.
      const choice = page.locator('#caption-bar select[id^="caption-track-"]');
      await choice.selectOption({ label: choices.find((c) => /english|engelska/i.test(c)) });
      await assertCueShows(page, cueOf(ENGLISH[1]), 'showing', "the English track's second cue");
      await assertCueShows(page, cueOf(ENGLISH[0]), 'showing', "the English track's first cue");
      let seen = await readPlayer(page);
      assert.equal(seen.shown[0].language, 'en');
      assert.equal(seen.kept.language, 'en');

      // The audio description: followed hidden, its text in the region under the player.
      await choice.selectOption({ label: choices.find((c) => /syntolkning/i.test(c)) });
      await assertCueShows(page, cueOf(DESCRIPTION[0]), 'hidden', 'the description cue');
      await eventually('the description in its region', async () =>
        assert.equal((await readPlayer(page)).description, 'En talare går upp på scenen'),
      );
      seen = await readPlayer(page);
      assert.equal(seen.shown.length, 0, 'a description is not drawn on the picture');
      assert.equal(seen.player.captions, 'description');
      await choice.selectOption({ label: choices.find((c) => /english|engelska/i.test(c)) });

      // How captions look, by keyboard, kept across a reload.
      await page.locator('#caption-bar .caption-settings-summary').focus();
      await page.keyboard.press('Enter');
      await page.locator('#caption-bar [data-setting="size"]').selectOption('xlarge');
      await page.locator('#caption-bar [data-setting="colour"]').selectOption('cyan');
      await page.locator('#caption-bar [data-setting="background"]').selectOption('translucent');
      await assertAccessible(page, 'the replays page with captions on and their settings open');
      await page.reload();
      await eventually(
        'captions on in English again after the reload, looking as chosen',
        async () => {
          seen = await readPlayer(page);
          assert.equal(seen.pressed, 'true', JSON.stringify(seen));
          assert.deepEqual(
            { size: seen.settings.size, colour: seen.settings.colour, background: seen.settings.background },
            { size: 'xlarge', colour: 'cyan', background: 'translucent' },
          );
          assert.equal(seen.player.cueSize, 'xlarge');
          assert.equal(seen.player.cueColour, 'cyan');
          assert.equal(seen.player.cueBackground, 'translucent');
          assert.match(seen.chosen ?? '', /english|engelska/i);
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      await assertCueShows(page, cueOf(ENGLISH[1]), 'showing', 'the English cue after the reload');
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  },
);
