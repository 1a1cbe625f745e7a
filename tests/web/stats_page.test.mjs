// Browser test of the staff statistics page (/stats) against the real stagehub server
// running the demo theme day: N anonymous viewers send heartbeats to the stage, a staff
// member signs in with their token and the page shows them — in the live "now: N watching"
// figure and in the chart of concurrent viewers (history from the series endpoint, then
// the 5-second `stats:{event}` pushes appended) — the per-session table sorts by a header,
// a CSV download is the server's file (byte order mark, header row), and the page passes
// the accessibility audit on a desktop and a 360 px phone.
//
// Run: node --test tests/web/stats_page.test.mjs (ctest: web.stats_page). Screenshots go
// to docs/screenshots/stats-{desktop,phone}.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { DESKTOP, PHONE, assertAccessible, saveScreenshot } from './support/page_checks.mjs';
import { StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { eventually } from './support/wait.mjs';

const EVENT = 'tillsammans-for-fornyelse';
const STAGE = 'stora-salen';
const VIEWERS = ['statstest-viewer-1', 'statstest-viewer-2', 'statstest-viewer-3'];
const N = VIEWERS.length;
const BEAT_EVERY_MS = 10_000; // within the server's 15 s, so nobody leaves while we look

const server = new StagehubServer();
let browser = null;
let staff = null;
let beatTimer = 0;
let beats = 0;

async function beat(viewer, played) {
  const response = await fetch(new URL('/api/v1/heartbeats', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ viewer, stage: STAGE, position: 0, played, sent_at: Date.now() }),
  });
  const body = await response.text();
  assert.equal(response.status, 200, `heartbeat of ${viewer}: ${body}`);
  beats += 1;
}

before(async () => {
  // 60x: the demo's sessions change every half minute, so the viewers count for several.
  await server.start({ demoSpeed: 60 });
  staff = await server.adminToken(['create-staff', '--name', 'Statistiker', '--event', EVENT]);
  assert.match(staff, /^shb_/, 'create-staff prints the token on its last line');
  await Promise.all(VIEWERS.map((viewer) => beat(viewer, 0)));
  beatTimer = setInterval(() => {
    Promise.all(VIEWERS.map((viewer) => beat(viewer, BEAT_EVERY_MS / 1000))).catch((error) => {
      console.error(`a heartbeat failed: ${error.message}`);
    });
  }, BEAT_EVERY_MS);
  browser = await launchBrowser();
});

after(async () => {
  clearInterval(beatTimer);
  await closeAll(browser, server);
});

// What the page drew: the live figure, and the chart's own data (the uPlot instance the
// chart module leaves on its container) for the stage.
function readChart(page) {
  return page.evaluate((stage) => {
    const now = document.getElementById('stats-now');
    const container = document.getElementById('stats-chart');
    const plot = container.uplot;
    const index = plot ? plot.series.findIndex((s, i) => i > 0 && s.label === 'Stora salen') : -1;
    const ys = index > 0 ? plot.data[index] : [];
    return {
      nowText: now.textContent.trim(),
      nowViewers: now.dataset.viewers === undefined ? null : Number(now.dataset.viewers),
      points: plot ? plot.data[0].length : 0,
      max: ys.length ? Math.max(...ys.map((y) => y ?? 0)) : null,
      last: ys.length ? ys[ys.length - 1] : null,
      lastAttr: JSON.parse(container.dataset.last ?? '{}')[stage] ?? null,
      canvas: Boolean(container.querySelector('canvas')),
      key: [...document.querySelectorAll('#stats-key li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()),
    };
  }, STAGE);
}

function readSessions(page) {
  return page.evaluate(() => {
    const table = document.getElementById('stats-sessions-table');
    const rows = [...table.querySelectorAll('tbody tr')];
    return {
      keys: rows.map((tr) => tr.dataset.key),
      titles: rows.map((tr) => tr.querySelector('[data-column="title"]').textContent),
      web: rows.map((tr) => Number(tr.querySelector('[data-column="web_viewers"]').dataset.value)),
      sorted: [...table.querySelectorAll('thead th[aria-sort]')].map((th) => [
        th.dataset.column,
        th.getAttribute('aria-sort'),
      ]),
    };
  });
}

test(
  'staff see N viewers live and per session, sort the sessions and download them as CSV',
  { timeout: 150_000 },
  async () => {
    const { context, page, pageErrors, sockets } = await newPage(browser, server.url, {
      viewport: DESKTOP,
      locale: 'sv-SE',
      acceptDownloads: true,
    });
    try {
      await page.goto(new URL('/stats', server.url).href);

      // A wrong token is refused with a message, and nothing is kept.
      await page.getByLabel('Token').fill('shb_not-a-real-token-at-all-0000000000000000000');
      await page.getByRole('button', { name: 'Logga in' }).click();
      await eventually('the refusal of a bad token', async () => {
        const error = await page.locator('#stats-signin-error').textContent();
        assert.match(error, /Token gäller inte/);
        assert.equal(await page.locator('#stats-dashboard').isHidden(), true);
      });
      assert.equal(await page.evaluate(() => sessionStorage.getItem('stagehub.stats.token')), null);

      await page.getByLabel('Token').fill(staff);
      await page.getByRole('button', { name: 'Logga in' }).click();
      await eventually(
        'the dashboard of the demo event',
        async () => {
          assert.equal(await page.locator('#stats-dashboard').isVisible(), true);
          assert.equal(await page.locator('#stats-event').inputValue(), EVENT);
          assert.match(await page.locator('#stats-account-name').textContent(), /Statistiker, personal/);
        },
        { timeoutMs: 15_000 },
      );

      // The history already holds the N viewers (the series' current minute) and the
      // 5-second pushes add points with N watching now.
      const first = await eventually(
        `"nu: ${N} tittar" and ${N} on the chart`,
        async () => {
          const seen = await readChart(page);
          assert.equal(seen.nowViewers, N, JSON.stringify(seen));
          assert.equal(seen.nowText, `nu: ${N} tittar`);
          assert.ok(seen.canvas, 'uPlot drew its canvas');
          assert.equal(seen.max, N, `the chart's highest point for ${STAGE}: ${JSON.stringify(seen)}`);
          assert.equal(seen.last, N, JSON.stringify(seen));
          assert.equal(seen.lastAttr, N);
          assert.deepEqual(seen.key, [`Stora salen: ${N} nu`]);
          return seen;
        },
        { timeoutMs: 30_000 },
      );
      await eventually(
        'a live point appended by the next push',
        async () => {
          const seen = await readChart(page);
          assert.ok(seen.points > first.points, `points ${first.points} → ${seen.points}`);
          assert.equal(seen.last, N);
        },
        { timeoutMs: 15_000 },
      );
      console.log(
        `stats page: "${first.nowText}", chart peak ${first.max} over ${first.points} points ` +
          `(${beats} heartbeats sent)`,
      );

      // The big figures: N web viewers, nobody checked in, no replays yet.
      assert.equal(await page.locator('#stats-figure-web').textContent(), String(N));
      assert.equal(await page.locator('#stats-figure-in-person').textContent(), '0');

      // The per-session table: the sessions the viewers watched have N web viewers.
      const initial = await readSessions(page);
      assert.ok(initial.keys.length > 3, `the demo day's sessions are listed (${initial.keys.length})`);
      assert.ok(initial.web.includes(N), `some session has ${N} web viewers: ${initial.web}`);
      assert.deepEqual(initial.sorted, []);

      const byTitle = [...initial.titles].sort(
        new Intl.Collator('sv-SE', { sensitivity: 'base', numeric: true }).compare,
      );
      assert.notDeepEqual(initial.titles, byTitle, 'the programme order is not already alphabetical');
      await page.locator('#stats-sessions-table thead th[data-column="title"] button').click();
      let seen = await readSessions(page);
      assert.deepEqual(seen.sorted, [['title', 'ascending']]);
      assert.deepEqual(seen.titles, byTitle);
      await page.locator('#stats-sessions-table thead th[data-column="title"] button').click();
      seen = await readSessions(page);
      assert.deepEqual(seen.sorted, [['title', 'descending']]);
      assert.deepEqual(seen.titles, [...byTitle].reverse());

      await page.locator('#stats-sessions-table thead th[data-column="web_viewers"] button').press('Enter');
      seen = await readSessions(page);
      assert.deepEqual(seen.sorted, [['web_viewers', 'descending']]);
      assert.deepEqual(
        seen.web,
        [...initial.web].sort((a, b) => b - a),
      );
      assert.equal(seen.web[0], N);
      await page.locator('#stats-sessions-table thead th[data-column="web_viewers"] button').press('Enter');
      seen = await readSessions(page);
      assert.deepEqual(seen.sorted, [['web_viewers', 'ascending']]);
      assert.deepEqual(
        seen.web,
        [...initial.web].sort((a, b) => a - b),
      );
      assert.equal(seen.web.at(-1), N);
      assert.notDeepEqual(seen.keys, initial.keys, 'the order changed');

      // CSV: fetched with the token and saved under the server's file name, semicolons for
      // a Swedish Excel.
      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Ladda ner sessions.csv' }).click(),
      ]);
      const day = await page.locator('#stats-day').inputValue();
      assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(csvDownload.suggestedFilename(), `${EVENT}-${day}-sessions.csv`);
      const csv = await readFile(await csvDownload.path());
      assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
      const lines = csv.subarray(3).toString('utf8').split('\r\n');
      assert.equal(
        lines[0],
        'day;start;end;session;title;kind;stage;speakers;in_person;web_viewers;' +
          'peak_concurrent;watch_time_s;average_watch_s;replay_views;replay_watch_time_s;replay_completion;' +
          'replay_captioned',
      );
      assert.ok(lines.length > initial.keys.length, `a row per session (${lines.length} lines)`);

      // Accessibility and screenshots (busiest sessions first), desktop then phone.
      await page.locator('#stats-sessions-table thead th[data-column="web_viewers"] button').click();
      await page.locator('body').click({ position: { x: 1, y: 1 } });
      await assertAccessible(page, 'the statistics page on a desktop');
      await saveScreenshot(page, 'stats', 'desktop');

      await page.setViewportSize(PHONE);
      await eventually('the chart resized to the phone', async () => {
        const width = await page.evaluate(() => document.getElementById('stats-chart').uplot.width);
        assert.ok(width <= PHONE.width, `chart ${width} px`);
      });
      const layout = await page.evaluate(() => {
        const region = document.getElementById('stats-sessions');
        return {
          page: document.documentElement.scrollWidth,
          regionScrolls: region.scrollWidth > region.clientWidth,
          regionFocusable: region.tabIndex === 0,
        };
      });
      assert.ok(layout.page <= PHONE.width, `no sideways scrolling of the page at 360 px (${layout.page} px)`);
      assert.ok(layout.regionScrolls, 'the session table scrolls inside its own region');
      assert.ok(layout.regionFocusable, 'the scrolling region takes keyboard focus');
      await assertAccessible(page, 'the statistics page on a phone');
      await saveScreenshot(page, 'stats', 'phone');

      // The live figures came over the page's one websocket (web/programme_feed.mjs).
      assert.equal(sockets.length, 1, `one websocket: ${sockets}`);

      // Sign out forgets the token.
      await page.getByRole('button', { name: 'Logga ut' }).click();
      assert.equal(await page.locator('#stats-signin').isVisible(), true);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('stagehub.stats.token')), null);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  },
);
