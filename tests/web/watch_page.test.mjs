// Browser test of the watch page (/) against the real stagehub server running the demo
// theme day at 60x speed: the page shows the programme, marks what is on now and next,
// plays the live HLS stream, and follows `now` pushes without a reload.
//
// Run: node --test tests/web/watch_page.test.mjs (ctest: web.watch_page). Needs
// `npm ci` in web/ and tests/web/, Debian's chromium, and the stagehub binary
// (STAGEHUB_BIN, default build/stagehub). Screenshots go to tests/web/artifacts/.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEMO_PROGRAMME, StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { eventually } from './support/wait.mjs';
import { videoState, waitForPlayingOn, waitForStart } from './support/video_state.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(HERE, 'artifacts');

const server = new StagehubServer();
let browser = null;
let demo = null;

before(async () => {
  demo = JSON.parse(await readFile(DEMO_PROGRAMME, 'utf8'));
  await server.start({ demoSpeed: 60 });
  browser = await launchBrowser();
});

after(() => closeAll(browser, server));

// --- helpers -----------------------------------------------------------------------

async function programme() {
  const response = await fetch(new URL('/api/v1/programme', server.url));
  assert.equal(response.status, 200, 'GET /api/v1/programme');
  return response.json();
}

// A page on a fresh context, Swedish like the event's audience. Records every request
// that leaves the server's origin and every uncaught page error.
async function openWatchPage({ width = 1280, height = 800 } = {}) {
  const { context, page, foreignRequests, pageErrors } = await newPage(browser, server.url, {
    viewport: { width, height },
    locale: 'sv-SE',
  });
  await page.goto(server.url);
  return { context, page, foreignRequests, pageErrors };
}

// Everything the assertions look at, read in one go so it is consistent.
function readPage(page) {
  return page.evaluate(() => {
    const text = (node) => node?.textContent.replace(/\s+/g, ' ').trim() ?? null;
    const items = [...document.querySelectorAll('main #agenda li.agenda-item')];
    const describe = (li) => ({
      id: li.dataset.sessionId,
      title: text(li.querySelector('.agenda-title')),
      index: items.indexOf(li),
      state: li.dataset.state,
      background: getComputedStyle(li).backgroundColor,
      badgeVisible: [...li.querySelectorAll('.badge')].some((badge) => badge.checkVisibility()),
    });
    const card = (id) => {
      const section = document.getElementById(id);
      return { id: section?.dataset.sessionId || null, title: text(section?.querySelector('.card-title')) };
    };
    const video = document.querySelector('#player video');
    const message = document.getElementById('player-message');
    return {
      lang: document.documentElement.lang,
      h1: text(document.querySelector('header h1')),
      itemCount: items.length,
      current: items.filter((li) => li.getAttribute('aria-current') === 'true').map(describe),
      next: items.filter((li) => li.dataset.state === 'next').map(describe),
      upcoming: items.filter((li) => li.dataset.state === 'upcoming').map(describe),
      nowCard: card('now-card'),
      nextCard: card('next-card'),
      nowHeading: text(document.getElementById('now-heading')),
      connection: document.getElementById('connection')?.dataset.state,
      player: {
        state: document.getElementById('player')?.dataset.state,
        errorShown: Boolean(message && !message.hidden && message.dataset.kind === 'error'),
        currentTime: video?.currentTime ?? -1,
        readyState: video?.readyState ?? -1,
        paused: video?.paused ?? true,
        mediaError: video?.error ? `${video.error.code} ${video.error.message}` : null,
        frames: video?.getVideoPlaybackQuality?.().totalVideoFrames ?? 0,
      },
      marker: window.__stagehubTestMarker ?? null,
      scrollWidth: document.documentElement.scrollWidth,
    };
  });
}

function sessionsOf(event, stageId) {
  return event.sessions.filter((session) => session.stage === stageId);
}

// --- tests -------------------------------------------------------------------------

test(
  'the watch page shows the programme, marks now and next, and plays the live stream',
  { timeout: 120_000 },
  async () => {
    const { context, page, foreignRequests, pageErrors } = await openWatchPage();
    try {
      // Programme: title, agenda, and one current item that the "on now" card agrees with,
      // both matching the server's own idea of now/next (retried across a session change).
      await eventually(
        'the page to match the server programme',
        async () => {
          const api = await programme();
          const event = api.events.find((e) => e.id === demo.event.id);
          assert.ok(event, `event ${demo.event.id} in GET /api/v1/programme`);
          const stage = event.stages[0];
          const s = await readPage(page);

          assert.equal(s.h1, demo.event.title, 'event title in the page heading');
          assert.equal(s.lang, 'sv', 'UI language for a Swedish browser');
          assert.equal(s.nowHeading, 'Pågår nu', 'Swedish "on now" heading');
          assert.ok(s.itemCount >= 15, `agenda has ${s.itemCount} items, want >= 15`);
          assert.equal(s.itemCount, sessionsOf(event, stage.id).length, 'one agenda item per session of the stage');

          assert.equal(s.current.length, 1, `exactly one aria-current item, got ${JSON.stringify(s.current)}`);
          const [current] = s.current;
          assert.equal(current.id, stage.now, "the current agenda item is the server's now");
          assert.equal(current.title, s.nowCard.title, 'agenda highlight and "on now" card agree');
          assert.equal(s.nowCard.id, stage.now);

          assert.equal(s.next.length, 1, 'exactly one item marked next');
          const [next] = s.next;
          assert.equal(next.id, stage.next, "the next agenda item is the server's next");
          assert.equal(next.index, current.index + 1, 'next follows now in the agenda');
          assert.equal(s.nextCard.title, next.title, '"up next" card names the next session');
          const expectedNext = event.sessions.find((session) => session.id === stage.next);
          assert.equal(s.nextCard.title, expectedNext.title);

          // Visible highlight: the current item looks different from an ordinary one.
          assert.ok(current.badgeVisible, 'the current item shows its badge');
          assert.ok(next.badgeVisible, 'the next item shows its badge');
          assert.ok(s.upcoming.length > 0, 'some items are still to come');
          assert.notEqual(current.background, s.upcoming[0].background, 'the current item is highlighted');
        },
        { timeoutMs: 15_000 },
      );

      // Playback: the video really advances (decoded frames too, not only seeks).
      const started = await eventually(
        'the video to start playing',
        async () => {
          const { player } = await readPage(page);
          assert.equal(player.mediaError, null, 'no media error');
          assert.equal(player.errorShown, false, 'no fatal error shown');
          assert.ok(
            player.readyState >= 2 && !player.paused && player.currentTime > 0,
            `not playing yet: ${JSON.stringify(player)}`,
          );
          return player;
        },
        { timeoutMs: 40_000, intervalMs: 500 },
      );
      const played = await eventually(
        'currentTime to grow by 2 s',
        async () => {
          const { player } = await readPage(page);
          assert.equal(player.mediaError, null, 'no media error');
          assert.ok(
            player.currentTime - started.currentTime >= 2,
            `currentTime ${started.currentTime} -> ${player.currentTime}`,
          );
          return player;
        },
        { timeoutMs: 20_000, intervalMs: 500 },
      );
      assert.ok(played.readyState >= 2, `readyState ${played.readyState}`);
      assert.ok(played.frames > started.frames, `decoded frames ${started.frames} -> ${played.frames}`);
      assert.equal(played.state, 'playing', 'player state');
      assert.equal(played.errorShown, false, 'no fatal error shown');

      // The player tells the server someone watches (docs/STATISTICS.md): its first
      // heartbeat goes as playback starts and is stored.
      await eventually(
        'a heartbeat from the playing page to be stored',
        async () => {
          const health = await (await fetch(new URL('/api/v1/health', server.url))).json();
          assert.ok(health.heartbeats.written >= 1, JSON.stringify(health.heartbeats));
          assert.equal(health.heartbeats.rejected, 0, JSON.stringify(health.heartbeats));
        },
        { timeoutMs: 10_000, intervalMs: 250 },
      );
      const viewer = await page.evaluate(() => localStorage.getItem('stagehub.viewer'));
      assert.match(viewer ?? '', /^[0-9a-f]{32}$/, 'an anonymous viewer id kept in the browser');

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'watch_page-desktop.png'), fullPage: true });

      assert.deepEqual(foreignRequests, [], 'no request to any host but the server');
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    } finally {
      await context.close();
    }
  },
);

test('the watch page is usable 360 px wide', { timeout: 60_000 }, async () => {
  const { context, page, pageErrors } = await openWatchPage({ width: 360, height: 740 });
  try {
    await eventually('the agenda to render', async () => {
      const s = await readPage(page);
      assert.ok(s.itemCount >= 15, `agenda has ${s.itemCount} items`);
      assert.equal(s.current.length, 1);
    });
    const s = await readPage(page);
    assert.ok(s.scrollWidth <= 360, `no sideways scrolling: the page is ${s.scrollWidth} px wide`);
    const [player, nowCard] = await Promise.all(
      ['#player', '#now-card'].map((selector) => page.locator(selector).boundingBox()),
    );
    assert.ok(nowCard.y >= player.y + player.height, 'the "on now" card stacks below the player');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'watch_page-phone.png') });
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test(
  'a new `now` from the server moves the card and the agenda highlight without a reload',
  { timeout: 120_000 },
  async () => {
    const { context, page, pageErrors } = await openWatchPage();
    try {
      const initial = await eventually('a session on now and next', async () => {
        const s = await readPage(page);
        assert.equal(s.current.length, 1);
        assert.ok(s.nowCard.id && s.nextCard.id, `now ${s.nowCard.id}, next ${s.nextCard.id}`);
        assert.equal(s.connection, 'connected', 'websocket connected');
        return s;
      });
      await page.evaluate(() => {
        window.__stagehubTestMarker = 'same document';
      });
      const nowEnds = Date.parse(
        await page
          .locator(`#agenda li[data-session-id="${initial.nowCard.id}"] .agenda-end time`)
          .getAttribute('datetime'),
      );

      // At 60x a session lasts 10-55 s of wall time.
      const changed = await eventually(
        'the session on now to change',
        async () => {
          const s = await readPage(page);
          assert.ok(s.nowCard.id && s.nowCard.id !== initial.nowCard.id, `now is still ${s.nowCard.id}`);
          return s;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const seenAt = Date.now();

      assert.equal(changed.marker, 'same document', 'the page was not reloaded');
      assert.equal(changed.nowCard.id, initial.nextCard.id, 'what was next is now on');
      assert.equal(changed.current.length, 1, 'still exactly one aria-current item');
      assert.equal(changed.current[0].id, changed.nowCard.id, 'the agenda highlight moved with the card');
      assert.equal(changed.current[0].title, changed.nowCard.title);
      assert.equal(changed.current[0].index, initial.current[0].index + 1, 'the highlight moved one item down');
      assert.notEqual(changed.nextCard.id, initial.nextCard.id, 'up next moved on too');
      const previous = await page.locator(`#agenda li[data-session-id="${initial.nowCard.id}"]`);
      assert.equal(await previous.getAttribute('aria-current'), null, 'the old item lost aria-current');
      assert.equal(await previous.getAttribute('data-state'), 'past', 'the old item is marked past');
      // Pushed, not polled: the change shows within seconds of the scheduled end.
      assert.ok(seenAt - nowEnds < 5_000, `change seen ${(seenAt - nowEnds) / 1000} s after the session ended`);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  },
);

test("an organiser's edit reaches the open agenda within seconds, without a reload", { timeout: 60_000 }, async () => {
  const { context, page, pageErrors } = await openWatchPage();
  try {
    await eventually('the page connected', async () => {
      assert.equal((await readPage(page)).connection, 'connected');
    });
    await page.evaluate(() => {
      window.__stagehubTestMarker = 'same document';
    });
    const token = await server.adminToken(['create-organiser', '--name', 'Testarrangör', '--event', demo.event.id]);
    const title = 'Avslutning – med ett tack till alla';
    const response = await fetch(`${server.url}api/v1/events/${demo.event.id}/sessions/avslutning`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    });
    assert.equal(response.status, 200, await response.text());
    const sent = Date.now();
    await eventually(
      'the new title in the agenda',
      async () => {
        const shown = await page.locator('#agenda li[data-session-id="avslutning"] .agenda-title').textContent();
        assert.equal(shown, title);
      },
      { timeoutMs: 5_000, intervalMs: 100 },
    );
    const latency = Date.now() - sent;
    assert.ok(latency < 2_000, `shown ${latency} ms after the edit`);
    assert.equal(await page.evaluate(() => window.__stagehubTestMarker), 'same document', 'the page was not reloaded');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a session that has ended plays as a replay on the replays page', { timeout: 90_000 }, async () => {
  // At 60x the welcome (15 min) ends 15 s after launch; its replay follows within seconds.
  const replay = await eventually(
    "the welcome's replay to be listed",
    async () => {
      const response = await fetch(new URL('/api/v1/replays', server.url));
      assert.equal(response.status, 200);
      const { replays } = await response.json();
      const found = replays.find((r) => r.session === 'valkommen');
      assert.ok(found, `replays: ${replays.map((r) => r.session).join(', ') || 'none'}`);
      return found;
    },
    { timeoutMs: 45_000, intervalMs: 500 },
  );
  // The stage's pipeline starts a second or two after the demo's first session on a loaded
  // machine, so the replay may lack its first segment.
  assert.ok(
    replay.duration_seconds >= 12 && replay.duration_seconds <= 19,
    `a 15-second session gives ${replay.duration_seconds} s of replay`,
  );

  const { context, page, pageErrors } = await newPage(browser, server.url, {
    viewport: { width: 1280, height: 800 },
    locale: 'sv-SE',
  });
  // Before the page opens: its first beat goes as playback starts.
  const heartbeatsBefore = (await (await fetch(new URL('/api/v1/health', server.url))).json()).heartbeats.written;
  try {
    await page.goto(new URL('/replays.html?session=valkommen', server.url).href);
    await page.evaluate(() => {
      document.getElementById('video').muted = true;
    });
    // The heading is the page's module's work: wait for it rather than read it at load.
    await eventually(
      "the replay's heading",
      async () => {
        assert.equal(await page.locator('#replay-heading').textContent(), replay.title);
      },
      { timeoutMs: 10_000 },
    );
    await page.evaluate(() => document.getElementById('video').play());
    const first = await waitForStart(page);
    assert.equal(first.error, null);
    assert.ok(first.ready >= 2 && first.time > 0.2, JSON.stringify(first));
    const later = await waitForPlayingOn(page, first);
    assert.ok(later.time >= first.time + 2, `currentTime ${later.time} (was ${first.time})`);
    await eventually(
      'a replay heartbeat to be stored',
      async () => {
        const health = await (await fetch(new URL('/api/v1/health', server.url))).json();
        assert.ok(health.heartbeats.written > heartbeatsBefore, JSON.stringify(health.heartbeats));
        assert.equal(health.heartbeats.rejected, 0, JSON.stringify(health.heartbeats));
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    const v = await videoState(page);
    assert.ok(
      Math.abs(v.duration - replay.duration_seconds) < 1.5,
      `the player sees ${v.duration} s, the server lists ${replay.duration_seconds} s`,
    );
    assert.equal((await page.locator('#replays > li').count()) >= 1, true);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the embeddable player plays the stage and shows what is on now', { timeout: 60_000 }, async () => {
  const missing = await fetch(new URL('/embed/no-such-stage', server.url));
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'not_found');

  const { context, page, pageErrors } = await newPage(browser, server.url, { viewport: { width: 640, height: 360 } });
  try {
    const response = await page.goto(new URL('/embed/stora-salen', server.url).href);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['x-frame-options'], undefined, 'it is made to be framed');
    const read = () =>
      page.evaluate(() => {
        const v = document.getElementById('video');
        return {
          time: v.currentTime,
          error: v.error?.message ?? null,
          now: document.getElementById('now').hidden ? null : document.getElementById('now-title').textContent,
        };
      });
    const first = await eventually(
      'the embedded stream to play',
      async () => {
        const r = await read();
        assert.equal(r.error, null);
        assert.ok(r.time > 0.5, JSON.stringify(r));
        return r;
      },
      { timeoutMs: 30_000 },
    );
    await eventually(
      'the stream to keep playing',
      async () => {
        const r = await read();
        assert.ok(r.time > first.time + 1, JSON.stringify(r));
      },
      { timeoutMs: 15_000 },
    );
    await eventually(
      'what is on now',
      async () => {
        const r = await read();
        const { events } = await programme();
        const titles = events[0].sessions.filter((s) => s.stage === 'stora-salen').map((s) => s.title);
        assert.ok(r.now && titles.includes(r.now), `now shows ${r.now}`);
      },
      { timeoutMs: 15_000 },
    );
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a stage whose lower third is drawn by the player shows it over the picture', { timeout: 60_000 }, async () => {
  const { context, page, pageErrors } = await openWatchPage();
  try {
    await eventually('the page connected with a session on now', async () => {
      const s = await readPage(page);
      assert.equal(s.connection, 'connected');
      assert.ok(s.nowCard.id);
    });
    assert.equal(await page.locator('#lower-third').isVisible(), false, 'burned in by default');
    const token = await server.adminToken(['create-organiser', '--name', 'Bildproducent', '--event', demo.event.id]);
    const stage = `${server.url}api/v1/events/${demo.event.id}/stages/${demo.stages[0].id}`;
    const patch = (body) =>
      fetch(stage, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await patch({ lower_third: 'player' })).status, 200);
    await eventually(
      'the lower third over the picture',
      async () => {
        assert.equal(await page.locator('#lower-third').isVisible(), true);
        const s = await readPage(page);
        const title = await page.locator('#lower-third-title').textContent();
        assert.ok(
          s.nowCard.title && s.nowCard.title.includes(title) && title.length > 0,
          `lower third '${title}', on now '${s.nowCard.title}'`,
        );
      },
      { timeoutMs: 5_000 },
    );
    assert.equal((await patch({ lower_third: 'automatic' })).status, 200);
    await eventually(
      'the lower third back in the picture',
      async () => {
        assert.equal(await page.locator('#lower-third').isVisible(), false);
      },
      { timeoutMs: 5_000 },
    );
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
