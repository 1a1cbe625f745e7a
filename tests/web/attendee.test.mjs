// Browser test of the attendee pages (/, /event/{id}, /watch/{stage}, /replays) against the
// real stagehub server, as citizens and an organiser use them on the day:
//   - the replays library: search, day filter, playing a replay, "watch the whole day";
//   - an attendee watching a stage while the organiser, on another device (a second
//     browser context), starts the next session early and delays a later one: the
//     attendee's page follows without a reload;
//   - the player's quality menu and keyboard controls; switching stage without a reload;
//     a stage with nothing on shows the next session with a countdown;
//   - no serious accessibility violations, and the screenshots in docs/screenshots/.
//
// The programme (written below) has two stages and runs at 60x: the first three sessions
// (10 s each) become replays within the first ~40 s, across the event's two days; then a
// ten-minute keynote keeps the stage steady while the organiser works. Stage "lillsalen"
// is not broadcast and has its first session minutes away.
//
// Run: node --test tests/web/attendee.test.mjs (ctest: web.attendee). Needs `npm ci` in
// web/ and tests/web/, Debian's chromium, and the stagehub binary (STAGEHUB_BIN).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { eventually, sleep } from './support/wait.mjs';
import { assertAccessible, DESKTOP, PHONE, saveScreenshot } from './support/page_checks.mjs';

const EVENT = 'temadag-test';
const at = (hhmm, date = '2019-10-08') => `${date}T${hhmm}:00+02:00`;
const PROGRAMME = {
  format: 'stagehub-programme/1',
  event: {
    id: EVENT,
    title: 'Temadag för test',
    organisers: ['Testkommunen'],
    time_zone: 'Europe/Stockholm',
    languages: ['sv'],
    venue: 'Stadshuset',
    description: 'En temadag med två scener.',
    // Two days so the replays page has two to filter by; the second one is long enough
    // for every delay below.
    days: [
      { start: at('08:00'), end: at('08:20') },
      { start: at('08:20'), end: at('12:00', '2019-10-10') },
    ],
    published: true,
  },
  stages: [
    { id: 'storsalen', name: 'Storsalen', capacity: 200 },
    { id: 'lillsalen', name: 'Lillsalen', broadcast: false, capacity: 40 },
  ],
  people: [
    { id: 'anna-berg', name: 'Anna Berg', affiliation: 'Testkommunen' },
    { id: 'erik-strom', name: 'Erik Ström', affiliation: 'Testkommunen' },
    { id: 'maja-lind', name: 'Maja Lind', affiliation: 'Region Test' },
    { id: 'olle-nyman', name: 'Olle Nyman', affiliation: 'Testkommunen' },
  ],
  sessions: [
    {
      id: 'valkommen',
      stage: 'storsalen',
      kind: 'keynote',
      title: 'Välkommen till temadagen',
      theme: 'Inledning',
      start: at('08:00'),
      duration_minutes: 10,
      people: [{ person: 'anna-berg' }],
      abstract: 'Dagens upplägg.',
    },
    {
      id: 'ideslussen',
      stage: 'storsalen',
      kind: 'talk',
      title: 'Idéslussen i praktiken',
      theme: 'Systematik',
      start: at('08:10'),
      duration_minutes: 10,
      people: [{ person: 'erik-strom' }],
      abstract: 'Hur en idé tas om hand.',
    },
    {
      id: 'tjanstedesign',
      stage: 'storsalen',
      kind: 'talk',
      title: 'Tjänstedesign för e-tjänster',
      theme: 'Invånarcentrerat arbete',
      start: at('08:20'),
      duration_minutes: 10,
      people: [{ person: 'maja-lind' }],
    },
    {
      id: 'ledarskap',
      stage: 'storsalen',
      kind: 'keynote',
      title: 'Ledarskap i förändring',
      theme: 'Ledarskap',
      start: at('08:30'),
      duration_minutes: 600,
      people: [{ person: 'olle-nyman' }],
    },
    {
      id: 'panel-ledarskap',
      stage: 'storsalen',
      kind: 'panel',
      title: 'Panelsamtal om ledarskap',
      theme: 'Ledarskap',
      start: at('18:30'),
      duration_minutes: 300,
      people: [{ person: 'anna-berg', role: 'moderator' }, { person: 'olle-nyman' }],
    },
    {
      id: 'avslutning',
      stage: 'storsalen',
      kind: 'keynote',
      title: 'Avslutning',
      start: at('23:30'),
      duration_minutes: 30,
      people: [{ person: 'anna-berg' }],
    },
    {
      id: 'ideverkstad',
      stage: 'lillsalen',
      kind: 'workshop',
      title: 'Idéverkstad',
      theme: 'Att stödja idéägande',
      start: at('16:00'),
      duration_minutes: 120,
      people: [{ person: 'maja-lind' }],
    },
  ],
};

const server = new StagehubServer();
let browser = null;
let tmp = null;
let organiserToken = null;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'stagehub-attendee-'));
  const file = path.join(tmp, 'programme.json');
  await writeFile(file, JSON.stringify(PROGRAMME, null, 2));
  await server.start({ demoSpeed: 60, programme: file });
  organiserToken = await server.adminToken(['create-organiser', '--name', 'Arrangören', '--event', EVENT]);
  browser = await launchBrowser({ args: ['--autoplay-policy=no-user-gesture-required'] });
});

after(() =>
  closeAll(browser, server, async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }),
);

// --- helpers -----------------------------------------------------------------------

// A fresh browser context (one device) on `address`, Swedish unless told. Records
// requests to other hosts and uncaught errors.
async function open(address, { viewport = DESKTOP, locale = 'sv-SE' } = {}) {
  const {
    context,
    page,
    foreignRequests: foreign,
    pageErrors: errors,
  } = await newPage(browser, server.url, { viewport, locale });
  await page.goto(new URL(address, server.url).href);
  return { context, page, foreign, errors };
}

// The organiser's device: their own browser, on the server's origin, calling the REST
// API with their token the way the organiser console does.
async function organiserDevice() {
  // A page of the server (a JSON answer runs nothing: its policy is default-src 'none').
  const device = await open('/organise');
  device.call = (method, pathname, body) =>
    device.page.evaluate(
      async ({ method, pathname, body, token }) => {
        const response = await fetch(pathname, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, body: await response.json() };
      },
      { method, pathname, body, token: organiserToken },
    );
  return device;
}

function readWatch(page) {
  return page.evaluate(() => {
    const text = (node) => node?.textContent.replace(/\s+/g, ' ').trim() ?? null;
    const video = document.getElementById('video');
    const hls = window.stagehubPlayer?.hls ?? null;
    return {
      path: location.pathname,
      marker: window.__attendeeMarker ?? null,
      now: document.getElementById('now-card').dataset.sessionId || null,
      nowTitle: text(document.getElementById('now-title')),
      next: document.getElementById('next-card').dataset.sessionId || null,
      agenda: [...document.querySelectorAll('#agenda .agenda-item')].map((li) => li.dataset.sessionId),
      current: [...document.querySelectorAll('#agenda .agenda-item[aria-current="true"]')].map(
        (li) => li.dataset.sessionId,
      ),
      offAir: !document.getElementById('off-air').hidden,
      offAirSession: document.getElementById('off-air').dataset.sessionId || null,
      offAirTitle: text(document.getElementById('off-air-title')),
      offAirCountdown: text(document.getElementById('off-air-countdown')),
      video: {
        time: video.currentTime,
        paused: video.paused,
        muted: video.muted,
        volume: video.volume,
        error: video.error?.message ?? null,
        ready: video.readyState,
      },
      levels: hls?.levels?.length ?? 0,
      currentLevel: hls?.currentLevel ?? null,
      autoLevel: hls?.autoLevelEnabled ?? null,
      quality: [...document.querySelectorAll('#quality option')].map((o) => ({ value: o.value, label: text(o) })),
      captionsShown: !document.getElementById('captions').hidden,
      stageLinks: [...document.querySelectorAll('#stage-switcher a')].map((a) => ({
        id: a.dataset.stageId,
        current: a.getAttribute('aria-current'),
      })),
      scrollWidth: document.documentElement.scrollWidth,
    };
  });
}

async function waitForPlayback(page, what) {
  const first = await eventually(
    `${what}: the video to play`,
    async () => {
      const { video } = await readWatch(page);
      assert.equal(video.error, null);
      assert.ok(video.ready >= 2 && !video.paused && video.time > 0, JSON.stringify(video));
      return video;
    },
    { timeoutMs: 40_000, intervalMs: 500 },
  );
  await eventually(
    `${what}: currentTime to advance`,
    async () => {
      const { video } = await readWatch(page);
      assert.ok(video.time >= first.time + 1.5, `currentTime ${first.time} -> ${video.time}`);
    },
    { timeoutMs: 20_000, intervalMs: 500 },
  );
}

async function replaysListed(count) {
  return eventually(
    `${count} replays to be listed`,
    async () => {
      const { replays } = await (await fetch(new URL('/api/v1/replays', server.url))).json();
      assert.ok(replays.length >= count, `replays: ${replays.map((r) => r.session).join(', ') || 'none'}`);
      return replays;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

function readReplays(page) {
  return page.evaluate(() => {
    const video = document.getElementById('video');
    return {
      items: [...document.querySelectorAll('#replays .replays-item')].map((li) => li.dataset.sessionId),
      days: [...document.querySelectorAll('#filter-day option')].map((o) => o.value).filter(Boolean),
      count: document.getElementById('replays-count').textContent,
      session: video.dataset.session ?? null,
      heading: document.getElementById('replay-heading').textContent,
      playlist: document.getElementById('playlist-status').hidden
        ? null
        : document.getElementById('playlist-status').textContent,
      video: {
        time: video.currentTime,
        duration: video.duration,
        paused: video.paused,
        ready: video.readyState,
        error: video.error?.message ?? null,
      },
    };
  });
}

// --- tests -------------------------------------------------------------------------

test('the replays library: search, day filter, playing, and watching a whole day', { timeout: 120_000 }, async () => {
  // The first three sessions end within 30 s: day 1 has two, day 2 one.
  const listed = await replaysListed(3);
  const { context, page, foreign, errors } = await open('/replays');
  try {
    await eventually('the replays listed on the page', async () => {
      const r = await readReplays(page);
      for (const id of ['valkommen', 'ideslussen', 'tjanstedesign'])
        assert.ok(r.items.includes(id), `${id} in ${r.items}`);
      assert.equal(r.items.length, listed.length);
    });
    // Each replay shows its duration, speakers and description.
    const card = page.locator('.replays-item[data-session-id="ideslussen"]');
    assert.match(await card.locator('.replays-duration').textContent(), /\d+ s|\d+ min/);
    assert.equal(await card.locator('.replays-item-people').textContent(), 'Erik Ström');
    assert.equal(await card.locator('.replays-item-abstract').textContent(), 'Hur en idé tas om hand.');

    // Search by title (without the accent), by speaker, by theme.
    const search = async (text, expected) => {
      await page.fill('#search', text);
      await eventually(
        `search "${text}"`,
        async () => {
          assert.deepEqual((await readReplays(page)).items, expected);
        },
        { timeoutMs: 3_000 },
      );
    };
    await search('ideslussen', ['ideslussen']);
    await search('Maja', ['tjanstedesign']);
    await search('invånarcentrerat', ['tjanstedesign']);
    await search('inget sådant', []);
    assert.match((await readReplays(page)).count, /Inga inspelningar/);
    await page.fill('#search', '');
    await eventually(
      'every replay again',
      async () => {
        assert.ok((await readReplays(page)).items.length >= 3);
      },
      { timeoutMs: 3_000 },
    );

    // The day filter: the event's two days.
    const { days } = await readReplays(page);
    assert.deepEqual(days, [`${EVENT}/1`, `${EVENT}/2`], 'one option per day of the event');
    await page.selectOption('#filter-day', `${EVENT}/1`);
    await eventually(
      'day 1 only',
      async () => {
        assert.deepEqual((await readReplays(page)).items, ['valkommen', 'ideslussen']);
      },
      { timeoutMs: 3_000 },
    );
    await page.selectOption('#filter-day', `${EVENT}/2`);
    await eventually(
      'day 2 only',
      async () => {
        const { items } = await readReplays(page);
        assert.ok(
          items.includes('tjanstedesign') && !items.includes('valkommen') && !items.includes('ideslussen'),
          `day 2: ${items}`,
        );
      },
      { timeoutMs: 3_000 },
    );
    assert.match(page.url(), /day=temadag-test%2F2/, 'the filter is kept in the address');

    // A replay plays.
    await page.click('.replays-item[data-session-id="tjanstedesign"] .replays-play');
    const started = await eventually(
      'the replay to play',
      async () => {
        const r = await readReplays(page);
        assert.equal(r.session, 'tjanstedesign');
        assert.equal(r.heading, 'Tjänstedesign för e-tjänster');
        assert.equal(r.video.error, null);
        assert.ok(r.video.ready >= 2 && r.video.time > 0.2, JSON.stringify(r.video));
        return r.video;
      },
      { timeoutMs: 20_000 },
    );
    await eventually(
      'the replay to keep playing',
      async () => {
        const r = await readReplays(page);
        assert.ok(r.video.time >= started.time + 1.5, `currentTime ${started.time} -> ${r.video.time}`);
      },
      { timeoutMs: 15_000 },
    );

    // Watch the whole day 1: the first replay, then the next one when it ends.
    await page.selectOption('#filter-day', `${EVENT}/1`);
    await page.click(`.replays-watch-day[data-day="${EVENT}/1"]`);
    await eventually(
      'the first replay of the day',
      async () => {
        const r = await readReplays(page);
        assert.equal(r.session, 'valkommen');
        assert.match(r.playlist ?? '', /1 av 2/);
        assert.ok(
          r.video.ready >= 2 && Number.isFinite(r.video.duration) && r.video.time > 0.2,
          JSON.stringify(r.video),
        );
      },
      { timeoutMs: 20_000 },
    );
    await page.evaluate(() => {
      const video = document.getElementById('video');
      video.currentTime = Math.max(0, video.duration - 1.5);
    });
    await eventually(
      'the playlist to move on to the next replay',
      async () => {
        const r = await readReplays(page);
        assert.equal(r.session, 'ideslussen', `playing ${r.session}`);
        assert.match(r.playlist ?? '', /2 av 2/);
        assert.equal(r.heading, 'Idéslussen i praktiken');
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    const second = await eventually(
      'the next replay to play',
      async () => {
        const r = await readReplays(page);
        assert.ok(r.video.ready >= 2 && r.video.time > 0.2 && !r.video.paused, JSON.stringify(r.video));
        return r.video;
      },
      { timeoutMs: 20_000 },
    );
    await eventually(
      'the next replay to keep playing',
      async () => {
        const r = await readReplays(page);
        assert.ok(r.video.time >= second.time + 1, `currentTime ${second.time} -> ${r.video.time}`);
      },
      { timeoutMs: 15_000 },
    );

    assert.deepEqual(foreign, [], 'no request to any host but the server');
    assert.deepEqual(errors, [], 'no uncaught errors');
  } finally {
    await context.close();
  }
});

test(
  'the organiser starts the next session early and delays another: the attendee follows without a reload',
  { timeout: 120_000 },
  async () => {
    const attendee = await open('/watch/storsalen');
    const organiser = await organiserDevice();
    try {
      const { page } = attendee;
      await waitForPlayback(page, 'the attendee');
      // The keynote runs for ten minutes from 30 s after start.
      await eventually(
        'the keynote on now',
        async () => {
          const s = await readWatch(page);
          assert.equal(s.now, 'ledarskap');
          assert.deepEqual(s.current, ['ledarskap']);
          assert.equal(s.next, 'panel-ledarskap');
          assert.equal(s.offAir, false);
        },
        { timeoutMs: 40_000, intervalMs: 500 },
      );
      await page.evaluate(() => {
        window.__attendeeMarker = 'same document';
      });

      // 1. Start the panel now, five hours (five minutes here) early.
      const started = await organiser.call('POST', `/api/v1/events/${EVENT}/sessions/panel-ledarskap/start-now`, {});
      assert.equal(started.status, 200, JSON.stringify(started.body));
      await eventually(
        '"on now" to show the panel',
        async () => {
          const s = await readWatch(page);
          assert.equal(s.now, 'panel-ledarskap');
          assert.equal(s.nowTitle, 'Panelsamtal om ledarskap');
          assert.deepEqual(s.current, ['panel-ledarskap'], 'the agenda marks the panel current');
          assert.equal(s.next, 'avslutning');
        },
        { timeoutMs: 5_000, intervalMs: 100 },
      );
      assert.equal((await readWatch(page)).marker, 'same document', 'no reload');

      // 2. Delay the closing session by ten minutes.
      const item = page.locator('#agenda .agenda-item[data-session-id="avslutning"] .agenda-start');
      const before = { iso: await item.getAttribute('datetime'), text: await item.textContent() };
      const delayed = await organiser.call('POST', `/api/v1/events/${EVENT}/sessions/avslutning/delay`, {
        minutes: 10,
      });
      assert.equal(delayed.status, 200, JSON.stringify(delayed.body));
      const expected = Date.parse(before.iso) + 10 * 60_000;
      await eventually(
        'the agenda to show the new time',
        async () => {
          const iso = await item.getAttribute('datetime');
          assert.equal(Date.parse(iso), expected, `avslutning starts ${iso}`);
          const shown = await item.textContent();
          const want = await page.evaluate(
            (t) =>
              new Intl.DateTimeFormat('sv-SE', {
                timeZone: 'Europe/Stockholm',
                hour: '2-digit',
                minute: '2-digit',
                second: '2-digit',
              }).format(new Date(t)),
            expected,
          );
          assert.equal(shown, want, `shown ${shown} (was ${before.text})`);
        },
        { timeoutMs: 5_000, intervalMs: 100 },
      );
      // "Up next" follows the delay too.
      const nextTime = await page.locator('#next-time').textContent();
      assert.ok(nextTime.startsWith(await item.textContent()), `up next shows ${nextTime}`);
      assert.equal((await readWatch(page)).marker, 'same document', 'no reload');
      assert.deepEqual(attendee.errors, []);
      assert.deepEqual(attendee.foreign, []);
    } finally {
      await attendee.context.close();
      await organiser.context.close();
    }
  },
);

test(
  'quality menu, keyboard, switching stage without a reload, and off air with a countdown',
  { timeout: 90_000 },
  async () => {
    const { context, page, errors } = await open('/watch/storsalen');
    try {
      await waitForPlayback(page, 'storsalen');
      await page.evaluate(() => {
        window.__attendeeMarker = 'same document';
      });

      // The quality menu: Automatic and every level of the ladder.
      const ladder = await eventually('the quality menu', async () => {
        const s = await readWatch(page);
        assert.ok(s.levels >= 2, `${s.levels} levels`);
        assert.equal(s.quality.length, s.levels + 1, JSON.stringify(s.quality));
        assert.equal(s.quality[0].value, '-1');
        return s;
      });
      assert.deepEqual(
        ladder.quality
          .slice(1)
          .map((o) => Number(o.value))
          .sort(),
        [...Array(ladder.levels).keys()],
        'one option per hls.js level',
      );
      const lowest = await page.evaluate(() => {
        const levels = window.stagehubPlayer.hls.levels;
        return levels.reduce((best, level, i) => (level.height < levels[best].height ? i : best), 0);
      });
      await page.selectOption('#quality', String(lowest));
      await eventually(
        'hls.currentLevel to follow the choice',
        async () => {
          const s = await readWatch(page);
          assert.equal(s.currentLevel, lowest);
          assert.equal(s.autoLevel, false);
        },
        { timeoutMs: 10_000 },
      );
      await page.selectOption('#quality', '-1');
      await eventually('automatic again', async () => assert.equal((await readWatch(page)).autoLevel, true));
      // Every live stage offers a subtitle track in its event's language (docs/CAPTIONS.md,
      // "Live subtitles in HLS"), so the captions toggle is there from the start.
      assert.equal(ladder.captionsShown, true, 'the captions toggle beside play');

      // Keyboard: m mutes and unmutes, k pauses and plays, arrow down lowers the volume.
      await page.focus('#video');
      const muted = (await readWatch(page)).video.muted;
      await page.keyboard.press('m');
      await eventually('m toggles mute', async () => assert.equal((await readWatch(page)).video.muted, !muted));
      await page.keyboard.press('m');
      await eventually('m toggles mute back', async () => assert.equal((await readWatch(page)).video.muted, muted));
      await page.keyboard.press('k');
      await eventually('k pauses', async () => assert.equal((await readWatch(page)).video.paused, true));
      await page.keyboard.press('k');
      await eventually('k plays', async () => assert.equal((await readWatch(page)).video.paused, false));
      const volume = (await readWatch(page)).video.volume;
      await page.keyboard.press('ArrowDown');
      await eventually('arrow down lowers the volume', async () => {
        assert.ok((await readWatch(page)).video.volume < volume);
      });
      assert.ok(await page.locator('#watch-keys-help').count(), 'the shortcuts are written in the page');

      // Switching stage: the address changes, the page does not reload.
      await page.click('#stage-switcher a[data-stage-id="lillsalen"]');
      const off = await eventually('the other stage, off air', async () => {
        const s = await readWatch(page);
        assert.equal(s.path, '/watch/lillsalen');
        assert.equal(s.marker, 'same document', 'no reload');
        assert.deepEqual(s.agenda, ['ideverkstad'], 'the agenda of the stage');
        assert.deepEqual(s.stageLinks.find((l) => l.current === 'page')?.id, 'lillsalen');
        assert.equal(s.offAir, true);
        assert.equal(s.offAirSession, 'ideverkstad');
        assert.equal(s.offAirTitle, 'Idéverkstad');
        assert.match(s.offAirCountdown ?? '', /^Börjar om \d+:\d\d$/);
        assert.equal(s.video.ready, 0, 'no stream loaded off air');
        return s;
      });
      const seconds = (text) =>
        text
          .match(/(\d+):(\d\d)$/)
          .slice(1)
          .reduce((m, s) => Number(m) * 60 + Number(s));
      await eventually(
        'the countdown to count down',
        async () => {
          const s = await readWatch(page);
          assert.ok(
            seconds(s.offAirCountdown) < seconds(off.offAirCountdown),
            `${off.offAirCountdown} -> ${s.offAirCountdown}`,
          );
        },
        { timeoutMs: 4_000 },
      );
      assert.equal(
        await page.locator('#off-air-ics').getAttribute('href'),
        `/api/v1/events/${EVENT}/sessions/ideverkstad/session.ics`,
      );
      const ics = await fetch(new URL(`/api/v1/events/${EVENT}/sessions/ideverkstad/session.ics`, server.url));
      assert.equal(ics.status, 200);
      assert.match(await ics.text(), /BEGIN:VEVENT/);

      // Back: the first stage again, playing.
      await page.goBack();
      await eventually('back on storsalen', async () => {
        const s = await readWatch(page);
        assert.equal(s.path, '/watch/storsalen');
        assert.equal(s.marker, 'same document');
        assert.equal(s.offAir, false);
        assert.ok(s.agenda.includes('avslutning'));
      });
      await waitForPlayback(page, 'storsalen again');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  },
);

test('the attendee pages are accessible and fit a phone', { timeout: 90_000 }, async () => {
  {
    const { context, page, errors } = await open('/');
    try {
      await eventually('the page drawn', async () => {
        const s = await readWatch(page);
        assert.ok(s.agenda.length >= 6 && s.now, JSON.stringify(s.agenda));
      });
      await eventually('/: the picture', async () => assert.ok((await readWatch(page)).video.ready >= 2), {
        timeoutMs: 40_000,
        intervalMs: 500,
      });
      const violations = await assertAccessible(page, '/ (desktop)');
      if (violations.length) console.log('/ minor:', JSON.stringify(violations));
      await saveScreenshot(page, 'watch', 'desktop');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
  {
    const { context, page, errors } = await open('/watch/storsalen', { viewport: PHONE });
    try {
      await eventually('phone: the picture', async () => assert.ok((await readWatch(page)).video.ready >= 2), {
        timeoutMs: 40_000,
        intervalMs: 500,
      });
      const s = await readWatch(page);
      assert.ok(s.scrollWidth <= PHONE.width, `no sideways scrolling: ${s.scrollWidth} px`);
      const violations = await assertAccessible(page, '/watch/storsalen (phone)');
      if (violations.length) console.log('/watch minor:', JSON.stringify(violations));
      await saveScreenshot(page, 'watch', 'phone');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
  for (const viewport of [DESKTOP, PHONE]) {
    const kind = viewport === DESKTOP ? 'desktop' : 'phone';
    const { context, page, errors } = await open('/replays?session=ideslussen', { viewport });
    try {
      await eventually(
        'the replays drawn',
        async () => {
          const r = await readReplays(page);
          assert.ok(r.items.length >= 3);
          assert.ok(r.video.ready >= 2, JSON.stringify(r.video));
        },
        { timeoutMs: 20_000 },
      );
      await page.evaluate(() => {
        const v = document.getElementById('video');
        v.pause();
      });
      await sleep(200);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= viewport.width, `no sideways scrolling: ${width} px`);
      const violations = await assertAccessible(page, `/replays (${kind})`);
      if (violations.length) console.log('/replays minor:', JSON.stringify(violations));
      await saveScreenshot(page, 'replays', kind);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});

test(
  "the agenda offers each day as a calendar file with exactly that day's sessions",
  { timeout: 60_000 },
  async () => {
    // The re-timed programme fits in one day: the organiser adds a session two days on, so
    // the agenda shows two days and a day's file is not the whole programme.
    const organiser = await organiserDevice();
    const { context, page, errors } = await open('/');
    try {
      const {
        body: { event: before },
      } = await organiser.call('GET', `/api/v1/events/${EVENT}`);
      const later = Date.parse(before.sessions.at(-1).start) + 48 * 3600_000;
      const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
      assert.equal(
        (
          await organiser.call('PATCH', `/api/v1/events/${EVENT}`, {
            days: [...before.days, { start: iso(later), end: iso(later + 3600_000) }],
          })
        ).status,
        200,
      );
      const added = await organiser.call('POST', `/api/v1/events/${EVENT}/sessions`, {
        id: 'dag-tva',
        stage: 'storsalen',
        kind: 'talk',
        title: 'Dag två: uppföljning',
        start: iso(later),
        duration_minutes: 30,
        people: [{ person: 'maja-lind' }],
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));

      const readLinks = () =>
        page.$$eval('#event-calendar a.day-ics', (links) =>
          links.map((a) => ({
            day: a.dataset.day,
            href: a.getAttribute('href'),
            download: a.getAttribute('download'),
            name: a.textContent.replace(/\s+/g, ' ').trim(),
          })),
        );
      const links = await eventually('a link for each day, without a reload', async () => {
        const found = await readLinks();
        assert.equal(found.length, 2, JSON.stringify(found));
        return found;
      });
      // Next to the whole programme's link, before it.
      assert.equal(
        await page.$eval('#event-calendar', (p) => p.querySelector('a').classList.contains('day-ics')),
        true,
      );

      const { revision, events } = await (await fetch(new URL('/api/v1/programme', server.url))).json();
      const event = events.find((e) => e.id === EVENT);
      const localDate = (at) =>
        new Intl.DateTimeFormat('en-CA', {
          timeZone: event.time_zone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
        }).format(new Date(at));
      // The agenda shows Storsalen: its days, from the sessions that are not cancelled.
      const agendaDays = [
        ...new Set(
          event.sessions
            .filter((s) => s.stage === 'storsalen' && s.state !== 'cancelled')
            .map((s) => localDate(s.start)),
        ),
      ];
      assert.deepEqual(
        links.map((link) => link.day),
        agendaDays,
      );
      assert.equal(links[1].day, localDate(later));
      for (const link of links) {
        assert.equal(link.href, `/api/v1/events/${EVENT}/schedule.ics?day=${link.day}`);
        assert.equal(link.download, `${EVENT}-${link.day}.ics`);
        assert.match(link.name, /^Lägg till dagen i kalendern \(.+\)$/);
        const response = await fetch(new URL(link.href, server.url));
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-type'), 'text/calendar; charset=utf-8');
        assert.equal(
          response.headers.get('content-disposition'),
          `inline; filename="${EVENT}-${link.day}.ics"; filename*=UTF-8''${EVENT}-${link.day}.ics`,
        );
        const ics = await response.text();
        // Every session of the programme starting that day, on both stages (cancelled ones
        // too, marked so), and no other.
        const expected = event.sessions.filter((s) => localDate(s.start) === link.day);
        assert.ok(expected.length > 0 && expected.length < event.sessions.length);
        assert.equal(ics.match(/^BEGIN:VEVENT\r$/gm)?.length ?? 0, expected.length, ics);
        const starts = [...ics.matchAll(/^DTSTART;TZID=[^:]+:(\d{4})(\d{2})(\d{2})T/gm)].map(
          (m) => `${m[1]}-${m[2]}-${m[3]}`,
        );
        assert.deepEqual(
          starts,
          expected.map(() => link.day),
        );
        assert.match(ics, /^BEGIN:VTIMEZONE\r$/m);
      }
      const now = await (await fetch(new URL('/api/v1/programme', server.url))).json();
      assert.equal(now.revision, revision, 'the programme changed while it was compared');

      // The same links in Norwegian and English.
      for (const [lang, label] of [
        ['nb', 'Legg til dagen i kalenderen'],
        ['en', 'Add the day to your calendar'],
      ]) {
        await page.goto(new URL(`/?lang=${lang}`, server.url).href);
        await eventually(`the ${lang} links`, async () => {
          const found = await readLinks();
          assert.equal(found.length, 2);
          for (const link of found) assert.ok(link.name.startsWith(`${label} (`), link.name);
        });
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await organiser.context.close();
    }
  },
);
