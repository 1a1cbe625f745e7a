// Every page under its Content-Security-Policy (server/http/security_headers.cpp), in Debian's
// chromium against the real server broadcasting the demo day: each page does its work
// (hls.js plays through its worker and a MediaSource, uPlot draws, the timeline lays out its
// sessions) without one violation; the embed page plays inside another site's frame while
// the organiser console and the other pages refuse to be framed; and the speaker page works
// from its fragment link without its token reaching any request or Referer, and rewrites a
// link of the old /speaker/{token} form.
//
// Run: node --test tests/web/security_headers.test.mjs (ctest: web.security_headers).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import { StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, recordPage } from './support/browser.mjs';
import { eventually } from './support/wait.mjs';
import { DESKTOP } from './support/page_checks.mjs';

const EVENT = 'tillsammans-for-fornyelse';
const STAGE = 'stora-salen';

const server = new StagehubServer();
let browser = null;
let organiser = null;
let staff = null;
let speaker = null;

before(async () => {
  // A small picture without a ladder: the broadcast is real, the cores stay free for chromium.
  await server.start({ demoSpeed: 1, extraArgs: ['--video', '320x180', '--ladder', 'none'] });
  organiser = await server.adminToken(['create-organiser', '--name', 'Anna Berg', '--event', EVENT]);
  staff = await server.adminToken(['create-staff', '--name', 'Statistiker', '--event', EVENT]);
  const link = await server.adminToken(['speaker-link', '--event', EVENT, '--person', 'sara-lindgren']);
  assert.match(link, /^personal link: \/speaker#t=shb_[A-Za-z0-9_-]+$/, 'the link carries the token in its fragment');
  speaker = link.split('#t=').pop();
  browser = await launchBrowser();
});

after(() => closeAll(browser, server));

// A fresh context whose every frame records the CSP violations it sees (the event a policy
// violation fires), and a page whose console messages about the policy are kept too (a
// worker's violations and refused frames show only there).
async function openContext() {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'sv-SE' });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(
        `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  const page = await context.newPage();
  const { pageErrors } = recordPage(page, server.url);
  const policyMessages = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) policyMessages.push(message.text());
  });
  return { context, page, policyMessages, pageErrors };
}

async function violationsIn(page) {
  const seen = [];
  for (const frame of page.frames()) {
    seen.push(...(await frame.evaluate(() => window.__cspViolations ?? []).catch(() => [])));
  }
  return seen;
}

async function assertNoViolations(opened, what) {
  assert.deepEqual(await violationsIn(opened.page), [], `${what}: CSP violations`);
  assert.deepEqual(opened.policyMessages, [], `${what}: the console reports the policy refusing something`);
  assert.deepEqual(opened.pageErrors, [], `${what}: page errors`);
}

// Opens `path`, waits for `ready(page)` (the page doing its work), then checks that nothing
// was refused on the way.
async function checkPage(path, ready) {
  const opened = await openContext();
  try {
    const response = await opened.page.goto(new URL(path, server.url).href);
    assert.equal(response.status(), 200, path);
    const csp = response.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self';/, `${path}: the page's policy`);
    assert.doesNotMatch(csp, /unsafe-/, `${path}: nothing unsafe`);
    await ready(opened.page);
    await assertNoViolations(opened, path);
  } finally {
    await opened.context.close();
  }
}

async function videoPlays(page, frame = page) {
  await eventually(
    'the video to play',
    async () => {
      const time = await frame.evaluate(() => document.getElementById('video')?.currentTime ?? -1);
      assert.ok(time > 0.5, `currentTime ${time}`);
    },
    { timeoutMs: 40_000 },
  );
}

async function signIn(page, field, token, shown) {
  await page.locator(field).fill(token);
  await page.locator(field).press('Enter');
  await page.locator(shown).waitFor({ state: 'visible', timeout: 15_000 });
}

test('the watch page plays the stage with hls.js and its worker under the policy', { timeout: 90_000 }, () =>
  checkPage('/', async (page) => {
    await videoPlays(page);
    await page.locator('#agenda li').first().waitFor();
    assert.equal(await page.evaluate(() => typeof window.__cspViolations), 'object', 'the recorder ran');
  }),
);

test('the replays page lists the recordings under the policy', { timeout: 60_000 }, () =>
  checkPage('/replays', async (page) => {
    // No session of the demo day has ended yet: the page says so, with its filters built.
    await page.locator('#replays-empty').waitFor({ state: 'visible' });
    assert.match(await page.locator('#replays-empty').textContent(), /\S/);
    assert.ok((await page.locator('#filter-event option').count()) >= 1, 'the event filter');
  }),
);

test(
  'the organise console signs in and lays out its timeline, broadcast and desk under the policy',
  { timeout: 90_000 },
  () =>
    checkPage('/organise', async (page) => {
      await signIn(page, '#organise-token', organiser, '#organise-console');
      await page.locator('#organise-tabs a[data-view="timeline"]').click();
      const block = page.locator('.organise-block-item').first();
      await block.waitFor({ timeout: 15_000 });
      // Positions come through the CSSOM: a style attribute would have been refused.
      const placed = await block.evaluate((node) => ({ top: node.style.top, height: node.style.height }));
      assert.match(placed.top, /^\d+(\.\d+)?px$/, JSON.stringify(placed));
      assert.match(placed.height, /^\d+(\.\d+)?px$/, JSON.stringify(placed));
      const columns = await page
        .locator('.organise-grid')
        .evaluate((node) => node.style.getPropertyValue('--organise-stages'));
      assert.ok(Number(columns) >= 1, `--organise-stages ${columns}`);
      await page.locator('#organise-tabs a[data-view="broadcast"]').click();
      await page.locator('#organise-view-broadcast').waitFor({ state: 'visible' });
      await page.locator('#organise-tabs a[data-view="desk"]').click();
      await page.locator('#organise-view-desk').waitFor({ state: 'visible' });
    }),
);

test('the statistics page signs in and draws its chart under the policy', { timeout: 60_000 }, () =>
  checkPage('/stats', async (page) => {
    await signIn(page, '#stats-token', staff, '#stats-dashboard');
    await eventually(
      'the uPlot chart',
      async () => {
        assert.ok(await page.evaluate(() => Boolean(document.getElementById('stats-chart').uplot)));
      },
      { timeoutMs: 15_000 },
    );
  }),
);

test('the embed page plays under the policy', { timeout: 90_000 }, () =>
  checkPage(`/embed/${STAGE}`, (page) => videoPlays(page)),
);

// Another site, as an organiser's own: a page on "localhost" (another origin and another
// site than the server's 127.0.0.1) framing `paths` of the server. A real server on loopback:
// chromium does not let a page it thinks public (a routed made-up domain) frame a local one.
async function thirdPartySite(paths) {
  const frames = paths.map((path) => `<iframe title="${path}" src="${new URL(path, server.url).href}"></iframe>`);
  const site = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="sv"><title>Kommunen</title><body>${frames.join('\n')}</body></html>`);
  });
  await new Promise((resolve) => {
    site.listen(0, 'localhost', resolve);
  });
  return { url: `http://localhost:${site.address().port}/direkt`, close: () => site.close() };
}

test(
  "the embed page plays in another site's frame; no other page lets itself be framed",
  { timeout: 90_000 },
  async () => {
    const framed = ['/organise', '/organise/desk', '/', '/stats', '/replays', '/speaker'];
    const site = await thirdPartySite([`/embed/${STAGE}`, ...framed]);
    const opened = await openContext();
    const { page } = opened;
    try {
      await page.goto(site.url);
      const embed = await eventually('the embed frame', () => {
        const found = page.frames().find((frame) => frame.url().includes('/embed/'));
        assert.ok(found);
        return found;
      });
      await videoPlays(page, embed);
      const refusals = () => opened.policyMessages.filter((text) => /frame-ancestors 'none'/.test(text));
      await eventually('every other page refused by its frame-ancestors', () => {
        assert.equal(refusals().length, framed.length, opened.policyMessages.join('\n'));
      });
      // Nothing of them rendered: their frames hold the browser's error page.
      const children = page.mainFrame().childFrames();
      assert.equal(children.length, framed.length + 1);
      assert.deepEqual(
        children.filter((frame) => frame !== embed).map((frame) => frame.url()),
        framed.map(() => 'chrome-error://chromewebdata/'),
      );
      assert.deepEqual(await embed.evaluate(() => window.__cspViolations), [], 'the framed embed page');
      assert.deepEqual(
        opened.policyMessages.filter((text) => !refusals().includes(text)),
        [],
        'nothing else refused',
      );
      assert.deepEqual(opened.pageErrors, []);
    } finally {
      await opened.context.close();
      site.close();
    }
  },
);

// Every request the page makes, with its Referer, and every websocket it opens.
function recordRequests(page) {
  const seen = [];
  page.on('request', async (request) => {
    const headers = await request.allHeaders();
    seen.push({ url: request.url(), referer: headers.referer ?? null, navigation: request.isNavigationRequest() });
  });
  page.on('websocket', (socket) => seen.push({ url: socket.url(), referer: null, websocket: true }));
  return seen;
}

// openContext(), its page also recording its requests (recordRequests()) from the start.
async function openRecordingContext() {
  const opened = await openContext();
  return { ...opened, requests: recordRequests(opened.page) };
}

async function speakerShown(page) {
  await eventually(
    "the speaker's sessions",
    async () => {
      assert.equal(await page.locator('#hello').textContent(), 'Hej Sara Lindgren');
      assert.ok((await page.locator('.speaker-session').count()) >= 1);
    },
    { timeoutMs: 15_000 },
  );
}

test(
  'the speaker page works from its fragment link and no request carries the token',
  { timeout: 60_000 },
  async () => {
    const opened = await openRecordingContext();
    const { page, requests } = opened;
    try {
      const response = await page.goto(new URL(`/speaker#t=${speaker}`, server.url).href);
      assert.equal(response.headers()['referrer-policy'], 'no-referrer');
      await speakerShown(page);
      assert.ok(
        requests.some((r) => r.websocket),
        'the page follows its panels over the websocket',
      );
      assert.ok(
        requests.some((r) => r.url.endsWith('/api/v1/speaker/sessions')),
        'the page asked for its sessions',
      );
      assert.deepEqual(
        requests.filter((r) => r.url.includes(speaker) || r.referer?.includes(speaker)),
        [],
        'the token in no request URL or Referer',
      );
      assert.deepEqual(
        requests.filter((r) => r.referer !== null),
        [],
        'no Referer at all (no-referrer)',
      );
      await assertNoViolations(opened, 'the speaker page');
    } finally {
      await opened.context.close();
    }
  },
);

test(
  'a link of the old /speaker/{token} form still works and is rewritten to the fragment form',
  { timeout: 60_000 },
  async () => {
    const opened = await openRecordingContext();
    const { page, requests } = opened;
    try {
      await page.goto(new URL(`/speaker/${speaker}`, server.url).href);
      await speakerShown(page);
      assert.equal(page.url(), new URL(`/speaker#t=${speaker}`, server.url).href, 'the address bar');
      // Replaced, not a second entry: one step back is where the tab was before the link.
      await page.goBack();
      assert.equal(page.url(), 'about:blank', 'no history entry keeps the old form');
      // Only the old link's own request had the token in its path.
      const carrying = requests.filter((r) => r.url.includes(speaker) || r.referer?.includes(speaker));
      assert.deepEqual(
        carrying.map((r) => r.url),
        [new URL(`/speaker/${speaker}`, server.url).href],
      );
      assert.deepEqual(
        requests.filter((r) => r.referer !== null),
        [],
        'no Referer at all (no-referrer)',
      );
      await assertNoViolations(opened, 'the speaker page from an old link');
      assert.doesNotMatch(server.stderr, new RegExp(speaker), 'the server logged no token');
    } finally {
      await opened.context.close();
    }
  },
);
