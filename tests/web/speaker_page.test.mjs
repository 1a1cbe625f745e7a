// Browser test of the speaker's phone (/speaker#t={token}) against the real stagehub server:
// the page shows the speaker's panel with its running order, and follows the moderator's
// "next speaker" (POST …/panel/next by an organiser) without a reload, down to "you are up
// next" and the countdown of the speaker's own time.
//
// Run: node --test tests/web/speaker_page.test.mjs (ctest: web.speaker_page).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { StagehubServer } from './support/server.mjs';
import { DESKTOP, assertAccessible, saveScreenshot } from './support/page_checks.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { eventually } from './support/wait.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(HERE, 'artifacts');
const EVENT = 'tillsammans-for-fornyelse';
const PANEL = 'panel-systematik';

const server = new StagehubServer();
let browser = null;
let organiser = null;
let speaker = null;

before(async () => {
  await server.start({ demoSpeed: 1 });
  organiser = await server.adminToken(['create-organiser', '--name', 'Anna Berg', '--event', EVENT]);
  // Its last line is the personal link, /speaker#t={token}.
  const link = await server.adminToken(['speaker-link', '--event', EVENT, '--person', 'sara-lindgren']);
  speaker = link.split('#t=').pop();
  browser = await launchBrowser();
});

after(() => closeAll(browser, server));

async function advancePanel() {
  const response = await fetch(new URL(`/api/v1/events/${EVENT}/sessions/${PANEL}/panel/next`, server.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${organiser}` },
  });
  const body = await response.text();
  assert.equal(response.status, 200, body);
  return JSON.parse(body);
}

function readPanel(page) {
  return page.evaluate((panel) => {
    const text = (node) => node?.textContent.replace(/\s+/g, ' ').trim() ?? null;
    const section = document.getElementById(`session-${panel}`);
    const items = [...(section?.querySelectorAll('.running-order-item') ?? [])];
    const cue = document.getElementById('cue');
    return {
      lang: document.documentElement.lang,
      hello: text(document.getElementById('hello')),
      order: items.map((li) => li.dataset.person),
      current: items.filter((li) => li.getAttribute('aria-current') === 'true').map((li) => li.dataset.person),
      next: items.filter((li) => li.dataset.state === 'next').map((li) => li.dataset.person),
      cue: cue.hidden ? null : { state: cue.dataset.state, text: text(cue) },
      marker: window.__speakerTestMarker ?? null,
      scrollWidth: document.documentElement.scrollWidth,
    };
  }, PANEL);
}

test(
  'the speaker page follows the panel as the moderator advances it, without a reload',
  { timeout: 90_000 },
  async () => {
    const { context, page, pageErrors } = await newPage(browser, server.url, {
      viewport: { width: 360, height: 740 },
      locale: 'sv-SE',
      isMobile: true,
    });
    try {
      await page.goto(new URL(`/speaker#t=${speaker}`, server.url).href);
      await eventually('the running order of the panel', async () => {
        const seen = await readPanel(page);
        assert.equal(seen.hello, 'Hej Sara Lindgren');
        assert.deepEqual(seen.order, [
          'helena-marklund',
          'johan-nordlund',
          'sara-lindgren',
          'ali-hassan',
          'maria-bostrom',
          'per-ohman',
        ]);
        assert.deepEqual(seen.current, []);
        assert.ok(seen.cue === null || seen.cue.state === 'upcoming', JSON.stringify(seen.cue));
      });
      await page.evaluate(() => {
        window.__speakerTestMarker = 'still-the-same-page';
      });

      await advancePanel(); // the moderator opens: Helena has the floor, Johan is next
      await eventually(
        'Helena speaking, Johan next',
        async () => {
          const seen = await readPanel(page);
          assert.deepEqual(seen.current, ['helena-marklund']);
          assert.deepEqual(seen.next, ['johan-nordlund']);
          assert.ok(seen.cue === null || seen.cue.state === 'upcoming', "not Sara's turn yet");
        },
        { timeoutMs: 5000 },
      );

      await advancePanel(); // Johan speaks: Sara is up next
      await eventually(
        '"you are up next" for Sara',
        async () => {
          const seen = await readPanel(page);
          assert.deepEqual(seen.current, ['johan-nordlund']);
          assert.deepEqual(seen.next, ['sara-lindgren']);
          assert.equal(seen.cue?.state, 'next');
          assert.match(seen.cue.text, /Du är näst på tur/);
        },
        { timeoutMs: 5000 },
      );
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'speaker-up-next-phone.png'), fullPage: true });
      await saveScreenshot(page, 'speaker', 'phone');
      await assertAccessible(page, 'the speaker page on a phone');
      const days = await page.locator('.speaker-day-heading').allTextContents();
      assert.ok(days.length >= 1 && /^I dag · /.test(days[0]), `today's sessions first, marked: ${days}`);

      await advancePanel(); // Sara has the floor: her time counts down
      await eventually(
        'Sara speaking with her countdown',
        async () => {
          const seen = await readPanel(page);
          assert.deepEqual(seen.current, ['sara-lindgren']);
          assert.equal(seen.cue?.state, 'speaking');
          // 25 minutes over six people: 4:10 each, counting down from the step.
          assert.match(seen.cue.text, /Du har ordet\s*4:(0\d|10)/);
        },
        { timeoutMs: 5000 },
      );

      const last = await readPanel(page);
      assert.equal(last.marker, 'still-the-same-page', 'the page was not reloaded');
      assert.ok(last.scrollWidth <= 360, `no sideways scrolling on a 360 px phone (${last.scrollWidth} px)`);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
    // The same page on a desktop screen, for docs/screenshots.
    const desktop = await browser.newContext({ viewport: DESKTOP, locale: 'sv-SE' });
    try {
      const page = await desktop.newPage();
      await page.goto(new URL(`/speaker#t=${speaker}`, server.url).href);
      await page.locator('.running-order-item').first().waitFor();
      await assertAccessible(page, 'the speaker page on a desktop');
      await saveScreenshot(page, 'speaker', 'desktop');
    } finally {
      await desktop.close();
    }
  },
);
