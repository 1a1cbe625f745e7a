// Browser test of the console's Captions view (/organise/captions) against the real
// stagehub binary broadcasting the demo day: the welcome talk is ended early so it becomes
// a replay of real segments; the organiser finds it in the 14-day list, uploads an SRT
// file beside the replay playing in hls.js, edits a cue's text, nudges a cue with the
// keyboard, splits one at the player's time, merges two, saves and marks the track
// complete, each checked in the stored track; axe finds no serious violation.
//
// Run: node --test tests/web/replay_captions.test.mjs (ctest: web.replay_captions).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { eventually, sleep } from './support/wait.mjs';
import { assertAccessible, DESKTOP, saveScreenshot } from './support/page_checks.mjs';

const EVENT = 'tillsammans-for-fornyelse';
const SESSION = 'valkommen';
const TRACK = `/api/v1/events/${EVENT}/sessions/${SESSION}/captions/sv`;

const server = new StagehubServer();
let browser = null;
let organiser = null;
let dir = null;

before(async () => {
  await server.start({ demoSpeed: 1, extraArgs: ['--video', '320x180', '--ladder', 'none', '--segment-seconds', '1'] });
  organiser = await server.adminToken(['create-organiser', '--name', 'Anna Berg', '--event', EVENT]);
  browser = await launchBrowser();
  dir = await mkdtemp(path.join(os.tmpdir(), 'stagehub-captions-'));
});

after(async () => {
  await closeAll(browser, server);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function api(method, target, body) {
  const response = await fetch(new URL(target, server.url), {
    method,
    headers: {
      authorization: `Bearer ${organiser}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

test(
  "the organiser uploads, edits, nudges, splits, merges and completes a replay's captions",
  { timeout: 150_000 },
  async () => {
    // Eight seconds of the welcome on air, then ended: its replay appears once its last
    // segment has closed.
    await sleep(8000);
    assert.equal((await api('POST', `/api/v1/events/${EVENT}/sessions/${SESSION}/end-now`)).status, 200);
    await eventually(
      'the replay',
      async () => assert.equal((await api('GET', `/api/v1/replays/${SESSION}`)).status, 200),
      {
        timeoutMs: 30_000,
        intervalMs: 500,
      },
    );

    // A Subtitle Edit style file: byte order mark, CRLF.
    const srt = path.join(dir, 'valkommen.sv.srt');
    await writeFile(
      srt,
      '\uFEFF1\r\n00:00:00,500 --> 00:00:02,000\r\nVälkommen till dagen\r\n\r\n' +
        '2\r\n00:00:02,000 --> 00:00:04,000\r\nvi börjar strax med programmet\r\n\r\n' +
        '3\r\n00:00:04,200 --> 00:00:05,000\r\nTack\r\n\r\n',
    );

    const { context, page, pageErrors } = await newPage(browser, server.url, { viewport: DESKTOP, locale: 'sv-SE' });
    try {
      await page.goto(new URL('/organise/captions', server.url).href);
      await page.locator('#organise-token').fill(organiser);
      await page.locator('#organise-sign-in-form button[type="submit"]').click();
      const row = page.locator(`#organise-captions-list tr[data-session="${SESSION}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-status'), 'none');
      assert.match(await row.innerText(), /14 dagar kvar/);

      await row.getByRole('button', { name: /Redigera texten/ }).click();
      const cues = page.locator('#organise-captions-cues > li');
      await page.locator('#organise-captions-file').setInputFiles(srt);
      await page.getByRole('button', { name: 'Ladda upp och ersätt' }).click();
      await eventually('three cues', async () => assert.equal(await cues.count(), 3));
      const stored = (await api('GET', TRACK)).body;
      assert.equal(stored.cues.length, 3);
      assert.equal(stored.complete, true, 'an uploaded file is complete');

      // The player plays the replay (hls.js, with the organiser's token).
      await eventually(
        'the replay loaded in the player',
        async () => assert.ok((await page.locator('#organise-captions-video').evaluate((v) => v.readyState)) >= 1),
        { timeoutMs: 20_000 },
      );

      // Edit the first cue's text.
      await cues.nth(0).locator('textarea').fill('Välkomna till dagen');
      // Nudge the third cue: focus its row, → three times (+300 ms), Shift+← once (−1 s).
      await cues.nth(2).focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Shift+ArrowLeft');
      assert.match(await cues.nth(2).locator('.organise-captions-start').innerText(), /0:03\.500/);
      // Split the second cue at the player's time (3.0 s): jump there and set the time.
      await page.locator('#organise-captions-video').evaluate((v) => {
        v.currentTime = 3.0;
      });
      await eventually('the player at 3 s', async () =>
        assert.ok(Math.abs((await page.locator('#organise-captions-video').evaluate((v) => v.currentTime)) - 3) < 0.05),
      );
      await cues.nth(1).focus();
      await page.keyboard.press('s');
      await eventually('four cues', async () => assert.equal(await cues.count(), 4));
      // Merge the split halves back with the button of the second cue, then the first two.
      await cues.nth(1).getByRole('button', { name: 'Slå ihop rad 2 med nästa' }).click();
      await eventually('three cues again', async () => assert.equal(await cues.count(), 3));

      await assertAccessible(page, 'the captions editor');
      await saveScreenshot(page, 'organise-captions', 'desktop');

      await page.getByRole('button', { name: 'Spara texten' }).click();
      await eventually('saved', async () => {
        const track = (await api('GET', TRACK)).body;
        assert.equal(track.cues.length, 3);
        assert.equal(track.cues[0].text, 'Välkomna till dagen');
        assert.equal(track.cues[1].start_ms, 2000);
        assert.equal(track.cues[1].end_ms, 4000);
        assert.equal(track.cues[2].start_ms, 3500);
        assert.equal(track.cues[2].end_ms, 4300);
        assert.equal(track.cues[0].source, 'edit');
      });

      // Not complete, then complete again with the checkbox (the keyboard's space).
      await page.locator('#organise-captions-complete').focus();
      await page.keyboard.press('Space');
      await eventually('not complete', async () => assert.equal((await api('GET', TRACK)).body.complete, false));
      await page.keyboard.press('Space');
      await eventually('complete', async () => assert.equal((await api('GET', TRACK)).body.complete, true));
      await eventually('the list says complete', async () =>
        assert.equal(await row.getAttribute('data-status'), 'complete'),
      );
      assert.deepEqual(pageErrors, [], 'no uncaught page errors');
    } finally {
      await context.close();
    }
  },
);
