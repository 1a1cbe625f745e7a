// Browser test of the organiser console (/organise) against the real stagehub server
// running the demo theme day in real time: the check-in desk (typed codes, duplicates,
// unknown codes, today's count), a delay made in the console with its dry-run preview
// reaching the attendee page and the speaker's phone without a reload, the moderator's
// "next speaker" reaching the speaker's phone, refusals in plain words, live broadcast
// health from the `ops` channel, an accessibility audit with screenshots, and moving and
// resizing sessions on the timeline with real mouse drags and with the arrow keys, each
// through its dry-run preview and checked in the stored programme.
//
// Run: node --test tests/web/organise.test.mjs (ctest: web.organise).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { eventually } from './support/wait.mjs';
import { assertAccessible, DESKTOP, PHONE, saveScreenshot } from './support/page_checks.mjs';

const EVENT = 'tillsammans-for-fornyelse';
const TZ = 'Europe/Stockholm';

const server = new StagehubServer();
let browser = null;
let organiser = null;
let speaker = null; // Sara Lindgren: speaks in 'idesslussen' and sits on 'panel-systematik'

before(async () => {
  // A small test pattern without a ladder: the broadcast and its health are real, the two
  // cores of the test machine stay free for the browsers.
  await server.start({ demoSpeed: 1, extraArgs: ['--video', '320x180', '--ladder', 'none'] });
  organiser = await server.adminToken(['create-organiser', '--name', 'Anna Berg', '--event', EVENT]);
  speaker = (await server.adminToken(['speaker-link', '--event', EVENT, '--person', 'sara-lindgren']))
    .split('#t=')
    .pop();
  browser = await launchBrowser();
});

after(() => closeAll(browser, server));

// --- helpers -----------------------------------------------------------------------

function api(method, path, { token = organiser, body } = {}) {
  return server.api(method, path, { token, body });
}

async function sessionNow(id) {
  const { status, body } = await api('GET', `/api/v1/events/${EVENT}/sessions/${id}`);
  assert.equal(status, 200);
  return body;
}

// A page on a fresh context that records requests leaving the server and page errors.
async function openPage(path, { viewport = DESKTOP, locale = 'sv-SE' } = {}) {
  const {
    context,
    page,
    foreignRequests: foreign,
    pageErrors: errors,
    sockets,
  } = await newPage(browser, server.url, { viewport, locale, isMobile: viewport === PHONE });
  await page.goto(new URL(path, server.url).href);
  const done = () => {
    assert.deepEqual(foreign, [], 'no request to another host');
    assert.deepEqual(errors, [], 'no uncaught page errors');
  };
  return { context, page, done, sockets };
}

// The console, signed in with the organiser's token through its form.
async function openConsole(path = '/organise', options = {}) {
  const opened = await openPage(path, options);
  const { page } = opened;
  await page.locator('#organise-token').fill(organiser);
  await page.locator('#organise-sign-in-form button[type="submit"]').click();
  await page.locator('#organise-console').waitFor({ state: 'visible' });
  return opened;
}

const text = (locator) => locator.evaluate((node) => node.textContent.replace(/\s+/g, ' ').trim());

// The start the attendee page (/) shows for a session: its first <time datetime>.
function attendeeStart(page, id) {
  return page.evaluate(
    (session) =>
      document.querySelector(`[data-session-id="${session}"] time[datetime]`)?.getAttribute('datetime') ?? null,
    id,
  );
}

function speakerStart(page, id) {
  return page.evaluate(
    (session) => document.querySelector(`#session-${session} time[datetime]`)?.getAttribute('datetime') ?? null,
    id,
  );
}

// --- 1. the check-in desk ----------------------------------------------------------

test(
  'check-in desk: a typed code checks in once, a second scan is a duplicate, an unknown code is refused',
  { timeout: 60_000 },
  async () => {
    const registration = await api('POST', `/api/v1/events/${EVENT}/registrations`, {
      token: null,
      body: { name: 'Åsa Öberg', mode: 'in_person' },
    });
    assert.equal(registration.status, 201, JSON.stringify(registration.body));
    const { code } = registration.body;

    const { context, page, done } = await openConsole('/organise/desk', { viewport: PHONE });
    try {
      const result = page.locator('#organise-desk-result');
      const count = page.locator('#organise-desk-count');
      await eventually("today's count of 0", async () => assert.equal(await text(count), '0'));

      // Typed as a person reads it off a phone: lower case, with a dash.
      await page
        .getByLabel('Kod från anmälan')
        .fill(`${code.slice(0, 3).toLowerCase()}-${code.slice(3).toLowerCase()}`);
      await page.getByLabel('Kod från anmälan').press('Enter');
      await eventually('"checked in" with the name', async () => {
        assert.equal(await result.getAttribute('data-result'), 'checked_in');
        assert.equal(await text(result.locator('.organise-desk-headline')), 'Incheckad');
        assert.match(await text(result), /Åsa Öberg/);
        assert.equal(await text(count), '1');
      });
      const first = (await api('GET', `/api/v1/events/${EVENT}/registrations`)).body.registrations.find(
        (r) => r.code === code,
      ).checked_in[0].at;
      const firstLocal = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, hour: '2-digit', minute: '2-digit' }).format(
        new Date(first),
      );

      await page.getByLabel('Kod från anmälan').fill(code);
      await page.getByRole('button', { name: 'Checka in' }).click();
      await eventually('"already checked in at HH:MM"', async () => {
        assert.equal(await result.getAttribute('data-result'), 'already');
        assert.equal(await text(result.locator('.organise-desk-headline')), `Redan incheckad kl. ${firstLocal}`);
        assert.match(await text(result), /Åsa Öberg/);
      });
      assert.equal(await text(count), '1', 'a duplicate counts nothing');

      await page.getByLabel('Kod från anmälan').fill('ABCDEF');
      await page.getByLabel('Kod från anmälan').press('Enter');
      await eventually('"unknown code"', async () => {
        assert.equal(await result.getAttribute('data-result'), 'unknown');
        assert.equal(await text(result.locator('.organise-desk-headline')), 'Okänd kod');
      });
      await page.getByLabel('Kod från anmälan').fill('1O');
      await page.getByLabel('Kod från anmälan').press('Enter');
      await eventually('"not a valid code"', async () => {
        assert.equal(await text(result.locator('.organise-desk-headline')), 'Det är ingen giltig kod');
      });
      assert.equal(await text(count), '1');
      assert.equal((await api('GET', `/api/v1/events/${EVENT}/check-ins`)).body.today, 1);
      assert.equal(await result.getAttribute('role'), 'status', 'the result is announced');
      done();
    } finally {
      await context.close();
    }
  },
);

// --- 2. running late by 10 minutes ---------------------------------------------------

test(
  "+10 in the console: the dry-run preview, then the new time on the attendee page and the speaker's phone without a reload",
  { timeout: 90_000 },
  async () => {
    const SESSION = 'idesslussen';
    const before = await sessionNow(SESSION);
    const expected = Date.parse(before.start) + 10 * 60_000;

    const attendee = await openPage('/');
    const phone = await openPage(`/speaker#t=${speaker}`, { viewport: PHONE });
    const desk = await openConsole('/organise');
    try {
      await eventually('the session on the attendee page', async () => {
        assert.equal(Date.parse(await attendeeStart(attendee.page, SESSION)), Date.parse(before.start));
      });
      await eventually('the session on the speaker page', async () => {
        assert.equal(Date.parse(await speakerStart(phone.page, SESSION)), Date.parse(before.start));
      });
      await attendee.page.evaluate(() => {
        window.__organiseMarker = 'same-page';
      });
      await phone.page.evaluate(() => {
        window.__organiseMarker = 'same-page';
      });

      const { page } = desk;
      await page.locator(`.organise-block[data-session-id="${SESSION}"]`).click();
      await page.getByRole('button', { name: '+10 min', exact: true }).click();
      const preview = page.locator('#organise-view-timeline .organise-preview');
      await preview.getByRole('button', { name: 'Bekräfta' }).waitFor({ state: 'visible' });
      const formatTime = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
      const previewText = await text(preview);
      assert.match(previewText, /Förhandsgranskning/);
      assert.ok(
        previewText.includes(
          `${formatTime.format(new Date(before.start))}–${formatTime.format(new Date(before.end))} → ` +
            `${formatTime.format(new Date(expected))}–${formatTime.format(new Date(Date.parse(before.end) + 600_000))}`,
        ),
        `the preview names the old and new times: ${previewText}`,
      );
      assert.equal(Date.parse((await sessionNow(SESSION)).start), Date.parse(before.start), 'a preview stores nothing');

      await preview.getByRole('button', { name: 'Bekräfta' }).click();
      await eventually('the delay stored', async () => {
        assert.equal(Date.parse((await sessionNow(SESSION)).start), expected);
        assert.equal(await text(page.locator('#organise-view-timeline .organise-status')), 'Sparat.');
      });
      await eventually(
        'the new start on the attendee page',
        async () => {
          assert.equal(Date.parse(await attendeeStart(attendee.page, SESSION)), expected);
        },
        { timeoutMs: 10_000 },
      );
      await eventually(
        'the new start on the speaker page',
        async () => {
          assert.equal(Date.parse(await speakerStart(phone.page, SESSION)), expected);
        },
        { timeoutMs: 10_000 },
      );
      await eventually("the console's own timeline", async () => {
        assert.match(
          await text(page.locator(`.organise-block[data-session-id="${SESSION}"]`)),
          new RegExp(formatTime.format(new Date(expected))),
        );
      });
      assert.equal(
        await attendee.page.evaluate(() => window.__organiseMarker),
        'same-page',
        'the attendee page was not reloaded',
      );
      assert.equal(
        await phone.page.evaluate(() => window.__organiseMarker),
        'same-page',
        'the speaker page was not reloaded',
      );
      attendee.done();
      phone.done();
      desk.done();
    } finally {
      await Promise.all([attendee.context.close(), phone.context.close(), desk.context.close()]);
    }
  },
);

// --- 3. the panel ---------------------------------------------------------------------

test(
  'the moderator advances the panel from the console and the speaker\'s phone shows "you are up next"',
  { timeout: 60_000 },
  async () => {
    const PANEL = 'panel-systematik';
    const phone = await openPage(`/speaker#t=${speaker}`, { viewport: PHONE });
    const desk = await openConsole('/organise');
    try {
      await eventually('the running order on the speaker page', async () => {
        assert.equal(await phone.page.locator(`#session-${PANEL} .running-order-item`).count(), 6);
      });
      const { page } = desk;
      await page.locator(`.organise-block[data-session-id="${PANEL}"]`).click();
      const state = page.locator('#organise-panel-state');
      await eventually('the panel waiting', async () =>
        assert.equal(await state.getAttribute('data-state'), 'waiting'),
      );
      await page.getByRole('button', { name: 'Nästa talare' }).click();
      await eventually('Helena has the floor', async () => {
        assert.match(await text(state), /Helena Marklund har ordet · Näst på tur: Johan Nordlund/);
      });
      await page.getByRole('button', { name: 'Nästa talare' }).click();
      await eventually('Johan has the floor, Sara is next', async () => {
        assert.match(await text(state), /Johan Nordlund har ordet · Näst på tur: Sara Lindgren/);
      });
      await eventually('"you are up next" on the speaker page', async () => {
        const cue = phone.page.locator('#cue');
        assert.equal(await cue.getAttribute('data-state'), 'next');
        assert.match(await text(cue), /Du är näst på tur/);
      });
      phone.done();
      desk.done();
    } finally {
      await Promise.all([phone.context.close(), desk.context.close()]);
    }
  },
);

// --- 4. refusals ----------------------------------------------------------------------

test(
  "a bad token and a staff token are refused at sign-in; a refused edit shows the API's message; sign out",
  { timeout: 60_000 },
  async () => {
    const staff = await server.adminToken(['create-staff', '--name', 'Per Staff', '--event', EVENT]);
    const { context, page, done } = await openPage('/organise');
    try {
      const message = page.locator('#organise-sign-in-message');
      await page.getByLabel('Arrangörsnyckel').fill('shb_thisisnotatokenthisisnotatokenthisisnota');
      await page.getByRole('button', { name: 'Logga in' }).click();
      await eventually('the refusal', async () => {
        assert.match(await text(message), /Nyckeln gäller inte/);
      });
      assert.equal(await message.getAttribute('role'), 'alert');
      assert.equal(await page.locator('#organise-console').isVisible(), false);

      await page.getByLabel('Arrangörsnyckel').fill(staff);
      await page.getByRole('button', { name: 'Logga in' }).click();
      await eventually('the staff refusal', async () => {
        assert.match(await text(message), /inte en arrangör.*staff/);
      });

      await page.getByLabel('Arrangörsnyckel').fill(organiser);
      await page.getByRole('button', { name: 'Logga in' }).click();
      await page.locator('#organise-console').waitFor({ state: 'visible' });

      // Start 'ide-till-drift' five minutes into the session before it: an overlap.
      const previous = await sessionNow('innovationssprintar');
      const target = await sessionNow('ide-till-drift');
      const clash = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, hour: '2-digit', minute: '2-digit' }).format(
        new Date(Date.parse(previous.start) + 5 * 60_000),
      );
      await page.locator('.organise-block[data-session-id="ide-till-drift"]').click();
      await page.getByLabel(/^Starttid/).fill(clash);
      await page.getByRole('button', { name: 'Granska och spara', exact: true }).click();
      const status = page.locator('#organise-view-timeline .organise-status');
      await eventually('the refusal in plain words', async () => {
        assert.equal(await status.getAttribute('data-state'), 'error');
        const said = await text(status);
        assert.match(said, /Det gick inte\. Det krockar med ett annat pass på scenen\./);
        assert.match(said, /Servern: session .*'ide-till-drift'.* overlap on stage 'stora-salen'/);
      });
      assert.equal(
        await page.locator('#organise-view-timeline .organise-preview').isVisible(),
        false,
        'nothing to confirm',
      );
      assert.equal((await sessionNow('ide-till-drift')).start, target.start, 'nothing stored');

      await page.getByRole('button', { name: 'Logga ut' }).click();
      await page.locator('#organise-sign-in').waitFor({ state: 'visible' });
      assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the token is forgotten');
      done();
    } finally {
      await context.close();
    }
  },
);

// --- 5. accessibility and screenshots -------------------------------------------------

test(
  'the console passes the accessibility audit: the timeline on a desktop, the desk on a phone',
  { timeout: 60_000 },
  async () => {
    const desktop = await openConsole('/organise');
    try {
      const { page } = desktop;
      await page.locator('.organise-block[data-session-id="panel-systematik"]').click();
      await page.locator('#organise-panel-state').waitFor();
      // The keyboard reaches a session: its block is a real button and focus is visible.
      await page.locator('.organise-block[data-session-id="innovationssprintar"]').focus();
      await page.keyboard.press('Enter');
      await eventually('the keyboard selects', async () => {
        assert.equal(
          await text(page.locator('#organise-detail-heading')),
          (await sessionNow('innovationssprintar')).title,
        );
      });
      const violations = await assertAccessible(page, 'organiser console, timeline (desktop)');
      if (violations.length) console.log('minor accessibility findings (timeline):', JSON.stringify(violations));
      await saveScreenshot(page, 'organise', 'desktop');
      desktop.done();
    } finally {
      await desktop.context.close();
    }

    const phone = await openConsole('/organise/desk', { viewport: PHONE });
    try {
      const { page } = phone;
      await page.getByRole('button', { name: 'Utan anmälan' }).click();
      await eventually('a walk-in', async () => {
        assert.equal(await page.locator('#organise-desk-result').getAttribute('data-result'), 'walk_in');
      });
      const violations = await assertAccessible(page, 'organiser console, check-in desk (phone)');
      if (violations.length) console.log('minor accessibility findings (desk):', JSON.stringify(violations));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= PHONE.width, `no sideways scrolling on a 360 px phone (${width} px)`);
      await saveScreenshot(page, 'organise-desk', 'phone');
      phone.done();
    } finally {
      await phone.context.close();
    }
  },
);

// --- 6. live broadcast health -----------------------------------------------------------

test(
  "broadcast: the stage's health arrives live from the ops channel, on the console's one websocket",
  { timeout: 60_000 },
  async () => {
    const { context, page, done, sockets } = await openConsole('/organise/broadcast', { locale: 'en-GB' });
    try {
      const health = page.locator('[data-health="stora-salen"]');
      await eventually(
        'the stage live on its input',
        async () => {
          assert.equal(await text(health.locator('[data-fact="state"]')), 'Live');
          assert.equal(await health.locator('.organise-on-air').getAttribute('data-on-air'), 'input');
          assert.match(await text(health.locator('[data-fact="fps"]')), /^\d/);
        },
        { timeoutMs: 30_000 },
      );
      const first = await text(health.locator('[data-fact="updated"]'));
      await eventually(
        'a later health message',
        async () => {
          assert.notEqual(await text(health.locator('[data-fact="updated"]')), first);
        },
        { timeoutMs: 15_000 },
      );
      assert.equal(await page.getByLabel('Kind of source').inputValue(), 'test_pattern');
      // The agenda and `ops` share one socket (web/programme_feed.mjs); switching views
      // opens no other.
      await page.getByRole('link', { name: 'Timeline' }).click();
      await page.locator('.organise-block').first().waitFor();
      await page.getByRole('link', { name: 'Broadcast' }).click();
      await health.locator('[data-fact="state"]').waitFor();
      assert.equal(sockets.length, 1, `one websocket: ${sockets}`);
      done();
    } finally {
      await context.close();
    }
  },
);

// --- 7. drag to move and resize ----------------------------------------------------------

// A session as GET /api/v1/programme has it now.
async function programmeSession(id) {
  const { status, body } = await api('GET', '/api/v1/programme', { token: null });
  assert.equal(status, 200);
  const found = body.events.find((e) => e.id === EVENT)?.sessions.find((s) => s.id === id);
  assert.ok(found, `${id} in the programme`);
  return found;
}

const clock = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
const range = (startMs, endMs) => `${clock.format(new Date(startMs))}–${clock.format(new Date(endMs))}`;
const blockItem = (page, id) => page.locator(`.organise-block-item:has(> [data-session-id="${id}"])`);

// A real mouse gesture: press at the middle of `locator`, move `dy` pixels in small steps
// (the timeline draws 2 px a minute and snaps to 5 minutes), release.
async function dragBy(page, locator, dy, { halfway = async () => {} } = {}) {
  // Where to press, once the timeline holds still (the first websocket snapshot redraws it).
  const { x, y } = await eventually('the block in view, to press on', async () => {
    await locator.scrollIntoViewIfNeeded({ timeout: 2000 });
    const box = await locator.boundingBox();
    assert.ok(box, 'the block is drawn');
    const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const className = await page.evaluate(
      ([px, py]) => document.elementFromPoint(px, py)?.closest('.organise-block, .organise-resize')?.className,
      [at.x, at.y],
    );
    assert.equal(className, await locator.getAttribute('class'), 'the gesture starts on what it means to drag');
    return at;
  });
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i += 1) {
    await page.mouse.move(x, y + (dy * i) / 10);
    if (i === 5) await halfway();
  }
  await page.mouse.up();
}

// Confirms the preview of the timeline after checking it names `line`.
async function confirmPreview(page, line) {
  const preview = page.locator('#organise-view-timeline .organise-preview');
  await preview.getByRole('button', { name: 'Bekräfta' }).waitFor({ state: 'visible' });
  const said = await text(preview);
  assert.ok(said.includes(line), `the preview says "${line}": ${said}`);
  await preview.getByRole('button', { name: 'Bekräfta' }).press('Enter');
  await eventually('"saved"', async () => {
    assert.equal(await text(page.locator('#organise-view-timeline .organise-status')), 'Sparat.');
  });
}

test(
  'drag: the bottom edge of one session shortens it, dragging the next moves it into the gap; both through the preview',
  { timeout: 60_000 },
  async () => {
    const SHORTENED = 'panel-ideagande';
    const MOVED = 'avslutning';
    const { context, page, done } = await openConsole('/organise');
    try {
      // Shorten the panel by 10 minutes: its handle 20 px up.
      const panel = await programmeSession(SHORTENED);
      await dragBy(page, blockItem(page, SHORTENED).locator('.organise-resize'), -20);
      const shortEnd = Date.parse(panel.end) - 10 * 60_000;
      await confirmPreview(
        page,
        `${panel.title}: ${range(Date.parse(panel.start), Date.parse(panel.end))} → ` +
          `${range(Date.parse(panel.start), shortEnd)}`,
      );
      await eventually('the shorter panel stored', async () => {
        const now = await programmeSession(SHORTENED);
        assert.equal(now.duration_minutes, panel.duration_minutes - 10);
        assert.equal(Date.parse(now.end), shortEnd);
        assert.equal(now.start, panel.start, 'the start stays');
      });

      // Move the closing session 10 minutes earlier, into the gap: the block 20 px up.
      const closing = await programmeSession(MOVED);
      await eventually('the timeline redrawn with the shorter panel', async () => {
        assert.match(await text(blockItem(page, SHORTENED)), new RegExp(range(Date.parse(panel.start), shortEnd)));
      });
      await dragBy(page, blockItem(page, MOVED).locator('.organise-block'), -20);
      const earlier = Date.parse(closing.start) - 10 * 60_000;
      await confirmPreview(
        page,
        `${closing.title}: ${range(Date.parse(closing.start), Date.parse(closing.end))} → ` +
          `${range(earlier, earlier + closing.duration_minutes * 60_000)}`,
      );
      await eventually('the earlier start stored', async () => {
        const now = await programmeSession(MOVED);
        assert.equal(Date.parse(now.start), earlier, 'the start moved by -10 minutes');
        assert.equal(now.duration_minutes, closing.duration_minutes, 'the length stays');
        assert.equal(now.stage, closing.stage);
      });
      done();
    } finally {
      await context.close();
    }
  },
);

test(
  "drag: another organiser's edit arriving mid-gesture waits for the drop, and the drag still lands",
  { timeout: 60_000 },
  async () => {
    const RESIZED = 'lunch';
    const RENAMED = 'fika-2';
    const { context, page, done } = await openConsole('/organise');
    try {
      const lunch = await programmeSession(RESIZED);
      const newTitle = 'Eftermiddagsfika med frukt';
      await dragBy(page, blockItem(page, RESIZED).locator('.organise-resize'), -20, {
        halfway: async () => {
          const edit = await api('PATCH', `/api/v1/events/${EVENT}/sessions/${RENAMED}`, { body: { title: newTitle } });
          assert.equal(edit.status, 200, JSON.stringify(edit.body));
          await new Promise((resolve) => setTimeout(resolve, 1500)); // the agenda delta arrives meanwhile
          assert.equal(await blockItem(page, RESIZED).getAttribute('data-dragging'), 'true', 'still dragging');
        },
      });
      const shortEnd = Date.parse(lunch.end) - 10 * 60_000;
      await confirmPreview(
        page,
        `${lunch.title}: ${range(Date.parse(lunch.start), Date.parse(lunch.end))} → ` +
          `${range(Date.parse(lunch.start), shortEnd)}`,
      );
      await eventually('the shorter lunch stored', async () => {
        assert.equal(Date.parse((await programmeSession(RESIZED)).end), shortEnd);
      });
      // The held redraw came after the drop: the other organiser's title is on the timeline.
      await eventually('the renamed session drawn', async () => {
        assert.match(await text(blockItem(page, RENAMED)), new RegExp(newTitle));
      });
      done();
    } finally {
      await context.close();
    }
  },
);

// --- 8. the keyboard's way ---------------------------------------------------------------

test(
  'keyboard: Shift+arrow shortens a focused session, an arrow moves the next one; Escape drops a change, Enter previews it',
  { timeout: 60_000 },
  async () => {
    const SHORTENED = 'stod-till-ideagare';
    const MOVED = 'forskolan';
    const { context, page, done } = await openConsole('/organise');
    try {
      const keys = page.locator('#organise-timeline-keys');
      assert.match(await text(page.locator('#organise-timeline-help')), /pil upp och ner flyttar passet/);

      const talk = await programmeSession(SHORTENED);
      const block = blockItem(page, SHORTENED);
      await block.locator('.organise-block').focus();
      await page.keyboard.press('Shift+ArrowUp');
      assert.equal(await block.getAttribute('data-drag-label'), `${talk.duration_minutes - 5} min`);
      assert.equal(
        await text(keys),
        `${talk.title}: ny längd ${talk.duration_minutes - 5} min. Enter förhandsgranskar, Esc ångrar.`,
      );
      await page.keyboard.press('Escape');
      assert.equal(await block.getAttribute('data-drag-label'), null, 'Escape drops the change');
      assert.match(await text(keys), /ingen ändring/);
      assert.equal(
        await page.locator('#organise-view-timeline .organise-preview').isVisible(),
        false,
        'nothing to confirm',
      );

      await page.keyboard.press('Shift+ArrowUp');
      await page.keyboard.press('Enter');
      const shortEnd = Date.parse(talk.end) - 5 * 60_000;
      await confirmPreview(
        page,
        `${talk.title}: ${range(Date.parse(talk.start), Date.parse(talk.end))} → ` +
          `${range(Date.parse(talk.start), shortEnd)}`,
      );
      await eventually('the shorter talk stored', async () => {
        const now = await programmeSession(SHORTENED);
        assert.equal(now.duration_minutes, talk.duration_minutes - 5);
        assert.equal(now.start, talk.start);
      });

      const next = await programmeSession(MOVED);
      await eventually('the timeline redrawn with the shorter talk', async () => {
        assert.match(await text(blockItem(page, SHORTENED)), new RegExp(range(Date.parse(talk.start), shortEnd)));
      });
      await blockItem(page, MOVED).locator('.organise-block').focus();
      const earlier = Date.parse(next.start) - 5 * 60_000;
      await page.keyboard.press('ArrowUp');
      assert.equal(await blockItem(page, MOVED).getAttribute('data-drag-label'), clock.format(new Date(earlier)));
      await page.keyboard.press('Enter');
      await confirmPreview(
        page,
        `${next.title}: ${range(Date.parse(next.start), Date.parse(next.end))} → ` +
          `${range(earlier, earlier + next.duration_minutes * 60_000)}`,
      );
      await eventually('the earlier start stored', async () => {
        const now = await programmeSession(MOVED);
        assert.equal(Date.parse(now.start), earlier, 'the start moved by -5 minutes');
        assert.equal(now.duration_minutes, next.duration_minutes);
      });
      done();
    } finally {
      await context.close();
    }
  },
);

// --- 9. on air, off air, the slate -------------------------------------------------------

const STAGE = 'stora-salen';

async function control() {
  const { status, body } = await api('GET', `/api/v1/stages/${STAGE}/health`);
  assert.equal(status, 200, JSON.stringify(body));
  const { on_air: onAir, slate } = body.control; // who and when: not what the test sets
  return { on_air: onAir, slate };
}

test(
  'broadcast control: stop the broadcast (the watch page shows its off-air card without a reload), a slate, back on air and playing',
  { timeout: 120_000 },
  async () => {
    assert.deepEqual(await control(), { on_air: true, slate: null });
    const watch = await openPage(`/watch/${STAGE}`);
    const desk = await openConsole('/organise/broadcast');
    try {
      const viewer = watch.page;
      const watchState = () =>
        viewer.evaluate(() => ({
          player: document.getElementById('player').dataset.state,
          offAir: !document.getElementById('off-air').hidden,
          reason: document.getElementById('off-air-reason').textContent,
        }));
      await eventually(
        'the watch page playing the stage',
        async () => {
          const seen = await watchState();
          assert.equal(seen.player, 'playing', JSON.stringify(seen));
          assert.equal(seen.offAir, false);
        },
        { timeoutMs: 30_000 },
      );
      await viewer.evaluate(() => {
        window.__organiseMarker = 'same-page';
      });

      const { page } = desk;
      const group = page.locator(`[data-control-stage="${STAGE}"]`);
      const state = group.locator('.organise-control-state');
      const said = group.locator('.organise-status');
      await eventually('the stage on air in the console', async () => {
        assert.equal(await state.getAttribute('data-control'), 'on_air');
      });
      assert.equal(await said.getAttribute('role'), 'status', 'results are announced');

      // Off air, after the confirm.
      await group.getByRole('button', { name: 'Stoppa sändning' }).click();
      const question = group.locator('.organise-control-question');
      await question.waitFor({ state: 'visible' });
      assert.equal(
        await page.evaluate(() => document.activeElement?.className),
        'organise-control-question',
        'the question has the focus',
      );
      assert.equal((await control()).on_air, true, 'nothing happens before the confirm');
      await group.getByRole('button', { name: 'Ja, stoppa sändningen' }).click();
      await eventually('"stopped" announced', async () => {
        assert.equal(await text(said), 'Sändningen från Stora salen är stoppad.');
        assert.equal(await state.getAttribute('data-control'), 'off_air');
      });
      assert.deepEqual(await control(), { on_air: false, slate: null });
      await eventually(
        'the off-air card on the watch page',
        async () => {
          const seen = await watchState();
          assert.equal(seen.offAir, true, JSON.stringify(seen));
          assert.match(seen.reason, /Sändningen från Stora salen är stoppad/);
        },
        { timeoutMs: 20_000 },
      );
      assert.equal(
        await viewer.evaluate(() => window.__organiseMarker),
        'same-page',
        'the watch page was not reloaded',
      );

      // On air again: the watch page plays by itself.
      await group.getByRole('button', { name: 'Sänd', exact: true }).click();
      await eventually('"on air" announced', async () => {
        assert.equal(await text(said), 'Stora salen sänds igen.');
        assert.equal(await state.getAttribute('data-control'), 'on_air');
      });
      assert.equal((await control()).on_air, true);
      await eventually(
        'the watch page playing again',
        async () => {
          const seen = await watchState();
          assert.equal(seen.offAir, false, JSON.stringify(seen));
          assert.equal(seen.player, 'playing', JSON.stringify(seen));
        },
        { timeoutMs: 30_000 },
      );

      // The slate, with the text it offers, then back to the picture.
      assert.equal(await group.getByLabel('Text på skylten').inputValue(), 'Vi är strax tillbaka');
      await group.getByRole('button', { name: 'Visa skylt' }).click();
      await eventually('the slate announced', async () => {
        assert.equal(await text(said), 'Stora salen: skylten ”Vi är strax tillbaka” visas.');
        assert.equal(await state.getAttribute('data-control'), 'slate');
      });
      assert.deepEqual(await control(), { on_air: true, slate: { text: 'Vi är strax tillbaka' } });
      // The pipeline really switched, and the console says why in Swedish (ops `switch`).
      await eventually(
        'the switch to the slate in the log',
        async () => {
          const log = await text(page.locator(`[data-health="${STAGE}"] .organise-switches`));
          assert.match(log, /skylten i sändning, uppsatt av en arrangör/);
        },
        { timeoutMs: 15_000 },
      );
      await group.getByRole('button', { name: 'Tillbaka till bilden' }).click();
      await eventually('the picture back', async () => {
        assert.equal(await text(said), 'Stora salen: bilden är tillbaka.');
        assert.equal(await state.getAttribute('data-control'), 'on_air');
      });
      assert.deepEqual(await control(), { on_air: true, slate: null });

      // Another organiser's change reaches the console on the `ops` channel.
      const other = await api('PUT', `/api/v1/stages/${STAGE}/slate`, { body: { text: 'Paus' } });
      assert.equal(other.status, 200, JSON.stringify(other.body));
      await eventually(
        'the slate from the ops channel',
        async () => {
          assert.equal(await state.getAttribute('data-control'), 'slate');
          assert.match(await text(state), /”Paus”/);
        },
        { timeoutMs: 10_000 },
      );
      assert.equal((await api('DELETE', `/api/v1/stages/${STAGE}/slate`)).status, 200);
      await eventually(
        'the picture back from the ops channel',
        async () => {
          assert.equal(await state.getAttribute('data-control'), 'on_air');
        },
        { timeoutMs: 10_000 },
      );

      // Refusals in plain words: an empty text never leaves the page.
      await group.getByLabel('Text på skylten').fill('  ');
      await group.getByRole('button', { name: 'Visa skylt' }).click();
      assert.match(await text(said), /Skyltens text måste vara 1–120 tecken/);
      assert.equal((await control()).slate, null);

      const violations = await assertAccessible(page, 'organiser console, broadcast control');
      if (violations.length) console.log('minor accessibility findings (broadcast):', JSON.stringify(violations));
      await saveScreenshot(page, 'organise-broadcast', 'desktop');
      // On a producer's phone: the health's Swedish labels once left its figures 20 px.
      await page.setViewportSize(PHONE);
      await eventually('the broadcast view within a 360 px phone', async () => {
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= PHONE.width, `no sideways scrolling on a 360 px phone (${width} px)`);
        const figure = await page
          .locator(`[data-health="${STAGE}"] [data-fact="bitrate"]`)
          .evaluate((node) => node.getBoundingClientRect().width);
        assert.ok(figure >= 60, `the bitrate has room to be read (${figure} px)`);
      });
      await saveScreenshot(page, 'organise-broadcast', 'phone');
      watch.done();
      desk.done();
    } finally {
      await Promise.all([watch.context.close(), desk.context.close()]);
    }
  },
);
