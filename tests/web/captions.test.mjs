// Browser tests of live captions (docs/CAPTIONS.md) against the real stagehub server
// playing the demo theme day in real time:
//   - the captioner's page (/caption/{stage}): signing in and captioning with the keyboard
//     only, the partial line throttled, the focus kept in the field, the language choice;
//   - the room view (/captions/{stage}): cues and the partial line from the websocket,
//     the size from the address and the keys;
//   - the player on the watch page: the captions button, `c`, the settings kept across a
//     reload;
//   - end to end: a line typed on the captioning page shows on the room view and as a cue
//     in the text track of the watch page's video, with its picture; the times from typing
//     to each are printed (docs/BENCHMARKS.md, "Caption latency").
// axe-core finds no serious violation on the new pages at desktop and phone width; the
// screenshots in docs/screenshots/ (caption-desktop, caption-phone, captions-room) are
// made here.
//
// Run: node --test tests/web/captions.test.mjs (ctest: web.captions).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { StagehubServer } from './support/server.mjs';
import { DESKTOP, PHONE, assertAccessible, saveScreenshot } from './support/page_checks.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { eventually, sleep } from './support/wait.mjs';

const EVENT = 'tillsammans-for-fornyelse';
const STAGE = 'stora-salen';
const CAPTIONS_API = `/api/v1/events/${EVENT}/stages/${STAGE}/captions`;

const server = new StagehubServer();
let browser = null;
let captioner = null;

before(async () => {
  await server.start({ demoSpeed: 1, extraArgs: ['--video', '320x180', '--ladder', 'none'] });
  captioner = await server.adminToken(['create-captioner', '--name', 'Kim Skrivtolk', '--event', EVENT]);
  browser = await launchBrowser();
});

after(() => closeAll(browser, server));

async function postCaption(body) {
  const response = await fetch(new URL(CAPTIONS_API, server.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${captioner}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `POST ${CAPTIONS_API}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// Every caption POST the page makes, with its JSON body and when it left (ms).
function recordPosts(page) {
  const posts = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === CAPTIONS_API) {
      posts.push({ at: Date.now(), body: JSON.parse(request.postData() ?? 'null') });
    }
  });
  return posts;
}

function readDesk(page) {
  return page.evaluate(() => ({
    focused: document.activeElement?.id ?? null,
    signInShown: !document.getElementById('sign-in').hidden,
    deskShown: !document.getElementById('desk').hidden,
    message: document.getElementById('sign-in-message').textContent,
    error: document.getElementById('send-error').textContent,
    line: document.getElementById('line').value,
    language: document.getElementById('caption-language').value,
    sent: [...document.querySelectorAll('#sent li')].map((li) => ({
      text: li.querySelector('.caption-sent-text').textContent,
      state: li.dataset.state,
      lang: li.lang,
    })),
    connection: document.getElementById('connection').dataset.state,
    address: window.location.href,
    scrollWidth: document.documentElement.scrollWidth,
  }));
}

// Opens the captioning page and signs in by typing the token and pressing Enter.
async function signInByKeyboard(page) {
  await page.goto(new URL(`/caption/${STAGE}`, server.url).href);
  await eventually('the sign-in form with the focus in its field', async () => {
    const seen = await readDesk(page);
    assert.equal(seen.signInShown, true);
    assert.equal(seen.focused, 'token');
  });
  await page.keyboard.type(captioner);
  await page.keyboard.press('Enter');
  await eventually('the captioning desk with the focus in the line', async () => {
    const seen = await readDesk(page);
    assert.equal(seen.deskShown, true, JSON.stringify(seen));
    assert.equal(seen.focused, 'line');
    assert.equal(seen.connection, 'connected');
  });
}

test('a captioner captions with the keyboard only', { timeout: 90_000 }, async () => {
  const { context, page, pageErrors, foreignRequests } = await newPage(browser, server.url, {
    viewport: DESKTOP,
    locale: 'sv-SE',
  });
  try {
    const posts = recordPosts(page);
    await page.goto(new URL(`/caption/${STAGE}`, server.url).href);
    await page.locator('#token').waitFor();
    await assertAccessible(page, 'the captioning page signing in');
    await signInByKeyboard(page);
    assert.ok(!(await readDesk(page)).address.includes(captioner), 'no token in the address');

    // Typing: the line so far goes out as the partial, at most ~5 a second.
    const started = Date.now();
    await page.keyboard.type('Välkomna till Stora salen', { delay: 40 });
    const typingMs = Date.now() - started;
    await sleep(400); // the last partial
    const partials = posts.filter((p) => p.body.final === false);
    assert.ok(partials.length >= 2, `partials sent while typing: ${partials.length}`);
    assert.ok(
      partials.length <= Math.ceil(typingMs / 200) + 2,
      `${partials.length} partials in ${typingMs} ms: throttled to ~5/s`,
    );
    assert.deepEqual(partials.at(-1).body, { text: 'Välkomna till Stora salen', language: 'sv', final: false });

    await page.keyboard.press('Enter');
    await eventually('the line sent', async () => {
      const seen = await readDesk(page);
      assert.deepEqual(seen.sent[0], { text: 'Välkomna till Stora salen', state: 'sent', lang: 'sv' });
      assert.equal(seen.line, '');
      assert.equal(seen.focused, 'line', 'the focus stays in the field');
    });
    const finals = posts.filter((p) => p.body.final === true);
    assert.deepEqual(
      finals.map((p) => p.body),
      [{ text: 'Välkomna till Stora salen', language: 'sv', final: true }],
    );
    assert.equal(posts.at(-1).body.final, true, 'no partial overtakes the line');

    // The language, by keyboard: back to the choice, the next language, Enter returns to
    // the field.
    await page.keyboard.press('Shift+Tab');
    assert.equal((await readDesk(page)).focused.startsWith('caption-language'), true);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    let seen = await readDesk(page);
    assert.equal(seen.focused, 'line');
    assert.equal(seen.language, 'nb');
    await page.keyboard.type('Velkommen');
    await page.keyboard.press('Enter');
    await eventually('the Norwegian line sent', async () => {
      seen = await readDesk(page);
      assert.deepEqual(seen.sent[0], { text: 'Velkommen', state: 'sent', lang: 'nb' });
    });

    // Esc throws the line away and clears the partial.
    await page.keyboard.type('feltryck');
    await page.keyboard.press('Escape');
    seen = await readDesk(page);
    assert.equal(seen.line, '');
    await eventually('the partial cleared by Esc', () =>
      assert.deepEqual(posts.at(-1).body, { text: '', language: 'nb', final: false }),
    );

    // Audio description: the switch before the language (Shift+Tab twice), Space, Enter
    // back to the field. A description goes out as one, never as a partial line.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    assert.equal((await readDesk(page)).focused, 'caption-descriptions');
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    assert.equal((await readDesk(page)).focused, 'line');
    await sleep(400); // the switch clears the partial line, throttled
    const before = posts.length;
    await page.keyboard.type('En kvinna kliver upp på scenen', { delay: 20 });
    await sleep(400);
    await page.keyboard.press('Enter');
    await eventually('the description sent', async () => {
      seen = await readDesk(page);
      assert.deepEqual(seen.sent[0], { text: 'En kvinna kliver upp på scenen', state: 'sent', lang: 'nb' });
    });
    assert.equal(await page.locator('#sent li').first().locator('.caption-sent-kind').textContent(), 'syntolkning');
    assert.deepEqual(
      posts.slice(before).map((p) => p.body),
      [{ text: 'En kvinna kliver upp på scenen', language: 'nb', final: true, kind: 'descriptions' }],
      'no partial for a description',
    );
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');

    await page.keyboard.type('Nästa talare är Sara Lindgren');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Hon pratar om sy');
    await sleep(500);
    await assertAccessible(page, 'the captioning page on a desktop');
    await saveScreenshot(page, 'caption', 'desktop');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  } finally {
    await context.close();
  }

  // On a phone, and with a token that no longer holds: back to the form, which says why.
  const phone = await newPage(browser, server.url, { viewport: PHONE, locale: 'sv-SE', isMobile: true });
  try {
    await signInByKeyboard(phone.page);
    await phone.page.keyboard.type('Tack för i dag');
    await sleep(300);
    const seen = await readDesk(phone.page);
    assert.ok(seen.scrollWidth <= PHONE.width, `no sideways scrolling on a phone (${seen.scrollWidth} px)`);
    await assertAccessible(phone.page, 'the captioning page on a phone');
    await saveScreenshot(phone.page, 'caption', 'phone');

    await phone.page.evaluate(() => sessionStorage.setItem('stagehub.caption.token', 'no-such-token'));
    await phone.page.reload();
    await eventually('the sign-in form saying the key expired', async () => {
      const again = await readDesk(phone.page);
      assert.equal(again.signInShown, true);
      assert.match(again.message, /gäller inte längre/);
    });
    assert.deepEqual(phone.pageErrors, []);
  } finally {
    await phone.context.close();
  }
});

function readRoom(page) {
  return page.evaluate(() => ({
    lines: [...document.querySelectorAll('#lines p')].map((li) => li.textContent),
    partial: document.getElementById('partial').textContent,
    size: document.documentElement.dataset.size,
    connection: document.getElementById('connection').dataset.state,
  }));
}

test('the room view shows the cues and the partial line', { timeout: 60_000 }, async () => {
  const { context, page, pageErrors } = await newPage(browser, server.url, { viewport: DESKTOP, locale: 'sv-SE' });
  try {
    await page.goto(new URL(`/captions/${STAGE}?size=150&language=sv`, server.url).href);
    await eventually('the room view connected', async () => {
      const seen = await readRoom(page);
      assert.equal(seen.connection, 'connected');
      assert.equal(seen.size, '150');
    });
    await postCaption({ text: 'Första raden i salen', language: 'sv', final: true });
    // A description (what is seen) goes out on the same channel: never on the room's screen.
    await postCaption({ text: 'En man går upp på scenen', language: 'sv', kind: 'descriptions' });
    await postCaption({ text: 'Andra raden', language: 'sv', final: true });
    await postCaption({ text: 'Second line', language: 'en', final: true });
    await postCaption({ text: 'Och här skriver', language: 'sv', final: false });
    await eventually('the cues and the partial on the room view', async () => {
      const seen = await readRoom(page);
      assert.deepEqual(seen.lines.slice(-2), ['Första raden i salen', 'Andra raden']);
      assert.equal(seen.partial, 'Och här skriver');
    });
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    assert.equal((await readRoom(page)).size, '170');
    await page.keyboard.press('0');
    assert.equal((await readRoom(page)).size, '100');
    await assertAccessible(page, 'the room view on a desktop');
    await saveScreenshot(page, 'captions', 'room');

    // A projector switched on late: the last cues at once.
    const late = await context.newPage();
    await late.goto(new URL(`/captions/${STAGE}?language=sv`, server.url).href);
    await eventually('the last cues on a late room view', async () => {
      const seen = await readRoom(late);
      assert.deepEqual(seen.lines.slice(-2), ['Första raden i salen', 'Andra raden']);
    });
    await late.setViewportSize(PHONE);
    await assertAccessible(late, 'the room view on a phone');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

function readPlayer(page) {
  return page.evaluate(() => {
    const button = document.getElementById('captions');
    const hls = window.stagehubPlayer?.hls;
    return {
      buttonShown: !button.hidden,
      pressed: button.getAttribute('aria-pressed'),
      subtitleTracks: hls?.subtitleTracks?.length ?? 0,
      subtitleTrack: hls?.subtitleTrack ?? null,
      showing: [...document.getElementById('video').textTracks].filter((t) => t.mode === 'showing').length,
      size: document.getElementById('player').dataset.cueSize,
      colour: document.getElementById('player').dataset.cueColour,
      sizeChoice: document.querySelector('[data-setting="size"]')?.value ?? null,
      playing: !document.getElementById('video').paused,
    };
  });
}

test('the player: captions button, the c key, settings kept across a reload', { timeout: 120_000 }, async () => {
  await postCaption({ text: 'Textning på scenen', language: 'sv', final: true });
  const { context, page, pageErrors } = await newPage(browser, server.url, { viewport: DESKTOP, locale: 'sv-SE' });
  try {
    await page.goto(new URL(`/watch/${STAGE}`, server.url).href);
    await eventually(
      'the captions button for the live subtitle track',
      async () => {
        const seen = await readPlayer(page);
        assert.equal(seen.buttonShown, true, JSON.stringify(seen));
        assert.equal(seen.pressed, 'false');
        assert.equal(seen.subtitleTrack, -1, 'captions start off');
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await page.locator('#captions').focus();
    await page.keyboard.press('Enter');
    await eventually('captions on', async () => {
      const seen = await readPlayer(page);
      assert.equal(seen.pressed, 'true');
      assert.ok(seen.subtitleTrack >= 0);
      assert.equal(seen.showing, 1);
    });
    assert.equal(await page.locator('#player-announce').textContent(), 'Textning på');
    await page.keyboard.press('c');
    await eventually('captions off by c', async () => {
      const seen = await readPlayer(page);
      assert.equal(seen.pressed, 'false');
      assert.equal(seen.showing, 0);
    });
    await page.keyboard.press('c');
    await eventually('captions on by c', async () => assert.equal((await readPlayer(page)).pressed, 'true'));

    // Settings, by keyboard: open, choose a larger size and yellow.
    await page.locator('.caption-settings-summary').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-setting="size"]').selectOption('large');
    await page.locator('[data-setting="colour"]').selectOption('yellow');
    let seen = await readPlayer(page);
    assert.equal(seen.size, 'large');
    assert.equal(seen.colour, 'yellow');
    await assertAccessible(page, 'the watch page with caption settings open');

    await page.reload();
    await eventually(
      'captions on again after the reload, with the settings kept',
      async () => {
        seen = await readPlayer(page);
        assert.equal(seen.pressed, 'true', JSON.stringify(seen));
        assert.ok(seen.subtitleTrack >= 0);
        assert.equal(seen.size, 'large');
        assert.equal(seen.colour, 'yellow');
        assert.equal(seen.sizeChoice, 'large');
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    // The embed shares the choices: captions on, shown large and yellow; c turns them off.
    await page.goto(new URL(`/embed/${STAGE}`, server.url).href);
    const readEmbed = () =>
      page.evaluate(() => ({
        pressed: document.getElementById('captions').getAttribute('aria-pressed'),
        shown: !document.getElementById('captions').hidden,
        showing: [...document.getElementById('video').textTracks].filter((t) => t.mode === 'showing').length,
        size: document.getElementById('player').dataset.cueSize,
      }));
    await eventually(
      'captions on in the embed',
      async () => assert.deepEqual(await readEmbed(), { pressed: 'true', shown: true, showing: 1, size: 'large' }),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await page.locator('body').press('c');
    await eventually('captions off in the embed', async () => assert.equal((await readEmbed()).showing, 0));
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test(
  'a typed line reaches the room view and the video text track, with its picture',
  { timeout: 150_000 },
  async () => {
    const watch = await newPage(browser, server.url, { viewport: DESKTOP, locale: 'sv-SE' });
    const room = await newPage(browser, server.url, { viewport: DESKTOP, locale: 'sv-SE' });
    const desk = await newPage(browser, server.url, { viewport: DESKTOP, locale: 'sv-SE' });
    try {
      // The watch page, captions on, playing; every cue that becomes active is noted with the
      // wall clock, the media time and the date of the frame on screen (hls.playingDate).
      await watch.page.goto(new URL(`/watch/${STAGE}`, server.url).href);
      await eventually(
        'the watch page playing with a subtitle track',
        async () => {
          const seen = await readPlayer(watch.page);
          assert.ok(seen.buttonShown && seen.playing, JSON.stringify(seen));
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      await watch.page.evaluate(() => {
        if (document.getElementById('captions').getAttribute('aria-pressed') !== 'true') {
          document.getElementById('captions').click();
        }
        window.__cues = [];
        const video = document.getElementById('video');
        const watchTrack = (track) => {
          track.addEventListener('cuechange', () => {
            const hls = window.stagehubPlayer.hls;
            for (const cue of track.activeCues ?? []) {
              window.__cues.push({
                text: cue.text,
                at: Date.now(),
                mediaTime: video.currentTime,
                cueStart: cue.startTime,
                frameDate: hls?.playingDate?.getTime() ?? null,
                mode: track.mode,
              });
            }
          });
        };
        [...video.textTracks].forEach(watchTrack);
        video.textTracks.addEventListener('addtrack', (e) => watchTrack(e.track));
      });

      await room.page.goto(new URL(`/captions/${STAGE}?language=sv`, server.url).href);
      await room.page.evaluate(() => {
        window.__seen = [];
        new MutationObserver(() => {
          for (const li of document.querySelectorAll('#lines p'))
            window.__seen.push({ text: li.textContent, at: Date.now() });
        }).observe(document.getElementById('lines'), { childList: true, subtree: true, characterData: true });
      });

      await signInByKeyboard(desk.page);
      const line = `Mätning ${Date.now() % 100000}`;
      await desk.page.keyboard.type(line);
      const typedAt = await desk.page.evaluate(() => Date.now());
      await desk.page.keyboard.press('Enter');

      const roomAt = await eventually('the line on the room view', async () => {
        const hit = (await room.page.evaluate(() => window.__seen)).find((s) => s.text === line);
        assert.ok(hit);
        return hit.at;
      });
      const shown = await eventually(
        'the line as a cue in the video text track',
        async () => {
          const hit = (await watch.page.evaluate(() => window.__cues)).find((c) => c.text === line);
          assert.ok(hit);
          return hit;
        },
        { timeoutMs: 40_000, intervalMs: 250 },
      );
      const toWebsocketMs = roomAt - typedAt;
      const toTrackMs = shown.at - typedAt;
      const mediaSkewMs = (shown.mediaTime - shown.cueStart) * 1000;
      const pictureSkewMs = shown.frameDate === null ? null : shown.frameDate - typedAt;
      console.log(
        `caption latency: typing → websocket cue (room view) ${toWebsocketMs} ms; ` +
          `typing → cue showing in the text track ${toTrackMs} ms; ` +
          `media time − cue start at cuechange ${mediaSkewMs.toFixed(0)} ms; ` +
          `frame on screen dated ${pictureSkewMs} ms after the typing`,
      );
      assert.ok(toWebsocketMs >= 0 && toWebsocketMs < 2000, `websocket cue within 2 s (${toWebsocketMs} ms)`);
      assert.equal(shown.mode, 'showing');
      assert.ok(Math.abs(mediaSkewMs) <= 100, `the cue shows within 100 ms of its time (${mediaSkewMs} ms)`);
      // With its picture: the frame on screen when the cue shows is the one made when the
      // line was sent (typing to Enter is a few ms), not seconds before or after it.
      if (pictureSkewMs !== null) {
        assert.ok(Math.abs(pictureSkewMs) <= 1000, `the cue shows with the picture of its time (${pictureSkewMs} ms)`);
      }
      assert.ok(toTrackMs > 0, 'the cue is shown after it is typed');
      assert.deepEqual(watch.pageErrors, []);
      assert.deepEqual(room.pageErrors, []);
      assert.deepEqual(desk.pageErrors, []);
    } finally {
      await watch.context.close();
      await room.context.close();
      await desk.context.close();
    }
  },
);
