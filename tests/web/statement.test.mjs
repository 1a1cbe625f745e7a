// Browser test of the accessibility statement (/tillganglighet, /tilgjengelighet,
// /accessibility) against the real stagehub server running the demo theme day at 60×
// with a small test-pattern broadcast, so that real replays exist: the page shows DIGG's
// required sections in each language from the organisers' settings, lists the replays
// whose captions are not complete, passes axe-core, its feedback form works from the
// keyboard alone with clear error and success messages, and the message reaches the
// organiser's console at once (the `ops` channel). Every public page's footer links to
// the statement.
//
// Run: node --test tests/web/statement.test.mjs (ctest: web.statement).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { SOURCE_DIR, StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { eventually } from './support/wait.mjs';
import { assertAccessible, DESKTOP, PHONE, saveScreenshot } from './support/page_checks.mjs';

const EVENT = 'tillsammans-for-fornyelse';
const CONTACT = 'tillganglighet@kommun.example';
const GAPS = {
  sv: 'Programmet som pdf är inte tillgängligt för skärmläsare.',
  nb: 'Programmet som PDF er ikke universelt utformet.',
  en: 'The programme as a PDF is not accessible to screen readers.',
};

const server = new StagehubServer();
let browser = null;
let organiser = null;

before(async () => {
  await server.start({
    demoSpeed: 60,
    extraArgs: ['--video', '320x180', '--ladder', 'none', '--accessibility-contact', CONTACT],
  });
  organiser = await server.adminToken(['create-organiser', '--name', 'Anna Berg', '--event', EVENT]);
  browser = await launchBrowser();
});

after(() => closeAll(browser, server));

function api(method, path, { token = organiser, body } = {}) {
  return server.api(method, path, { token, body });
}

async function openPage(path, { viewport = DESKTOP, locale = 'sv-SE' } = {}) {
  const { context, page, foreignRequests, pageErrors } = await newPage(browser, server.url, {
    viewport,
    locale,
    isMobile: viewport === PHONE,
  });
  await page.goto(new URL(path, server.url).href);
  const done = async () => {
    assert.deepEqual(foreignRequests, [], 'no request to another host');
    assert.deepEqual(pageErrors, [], 'no uncaught page errors');
    await context.close();
  };
  return { page, done };
}

const text = (locator) => locator.evaluate((node) => node.textContent.replace(/\s+/g, ' ').trim());

test('the statement shows DIGG’s sections in sv, nb and en from the settings', { timeout: 150_000 }, async () => {
  const saved = await api('PUT', `/api/v1/events/${EVENT}/accessibility`, {
    body: {
      publisher: 'Exempel kommun',
      compliance: 'partial',
      known_gaps: GAPS,
      prepared: '2026-11-02',
      reviewed: '2026-12-01',
      evaluation: 'self',
      country: 'SE',
    },
  });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));

  // A replay exists once the first session has ended and been archived.
  const replays = await eventually(
    'a public replay',
    async () => {
      const { body } = await api('GET', '/api/v1/replays', { token: null });
      assert.ok(body.replays.length > 0, 'no replay yet');
      return body.replays;
    },
    { timeoutMs: 100_000, intervalMs: 1000 },
  );
  const expected = {
    '/tillganglighet': {
      lang: 'sv',
      h1: 'Tillgänglighetsredogörelse för',
      compliance: 'delvis förenlig',
      supervision: 'Anmäl bristande tillgänglighet till Digg',
    },
    '/tilgjengelighet': {
      lang: 'nb',
      h1: 'Tilgjengelighetserklæring for',
      compliance: 'delvis i samsvar',
      supervision: 'Meld fra om manglende tilgjengelighet til Digg',
    },
    '/accessibility': {
      lang: 'en',
      h1: 'Accessibility statement for',
      compliance: 'partially compliant',
      supervision: 'Report inaccessibility to Digg',
    },
  };
  for (const [path, want] of Object.entries(expected)) {
    const { page, done } = await openPage(path);
    await page.locator('#statement').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.documentElement.lang), want.lang);
    const h1 = await text(page.locator('h1'));
    assert.ok(h1.startsWith(want.h1), `${path}: ${h1}`);
    assert.match(await text(page.locator('#statement-intro')), /Exempel kommun/);
    assert.match(await text(page.locator('#compliance')), new RegExp(want.compliance));
    assert.equal(await text(page.locator('#known-gaps')), GAPS[want.lang]);
    // Every replay the public sees lacks complete captions here: each listed, linked.
    await page.locator('#captions-gap').waitFor({ state: 'visible' });
    const listed = await page.locator('#uncaptioned li').evaluateAll((nodes) => nodes.map((n) => n.dataset.session));
    for (const replay of replays) assert.ok(listed.includes(replay.session), `${path}: ${replay.session} listed`);
    assert.equal(await page.locator(`#report-contact a[href="mailto:${CONTACT}"]`).count(), 1);
    const digg = page.locator('#supervision-links a[href="https://www.digg.se/tdosanmalan"]');
    assert.match(await text(digg), new RegExp(want.supervision));
    assert.match(await text(page.locator('#dates')), /2026/);
    assert.equal(await page.locator('#statement-link').count(), 0, 'the statement needs no link to itself');
    const violations = await assertAccessible(page, path);
    if (violations.length) console.log(`${path}: minor axe findings`, violations);
    if (want.lang === 'sv') {
      await saveScreenshot(page, 'statement', 'desktop');
      await page.setViewportSize(PHONE);
      await assertAccessible(page, `${path} (phone)`);
      await saveScreenshot(page, 'statement', 'phone');
    }
    await done();
  }
});

test(
  'the form works from the keyboard alone and the organiser sees the message at once',
  { timeout: 90_000 },
  async () => {
    const organiserView = await openPage('/organise/accessibility');
    const consolePage = organiserView.page;
    await consolePage.locator('#organise-token').fill(organiser);
    await consolePage.locator('#organise-sign-in-form button[type="submit"]').click();
    await consolePage.locator('#organise-view-accessibility').waitFor({ state: 'visible' });
    await consolePage.locator('#a11y-feedback-none').waitFor({ state: 'visible' });
    assert.equal(await consolePage.locator('#a11y-compliance').inputValue(), 'partial');

    const { page, done } = await openPage('/accessibility?event=' + EVENT, { locale: 'en-GB' });
    await page.locator('#statement').waitFor({ state: 'visible' });
    // To the message field with Tab alone, then send it empty: an error, and focus back.
    await page.locator('#report-contact a').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'feedback-message');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'feedback-send');
    await page.keyboard.press('Enter');
    await page.locator('#form-error').waitFor({ state: 'visible' });
    assert.equal(await text(page.locator('#form-error')), 'Describe the problem before sending.');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'feedback-message');
    assert.equal(await page.locator('#feedback-message').getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'the form with its error');

    await page.keyboard.type('The replay of the opening has no captions.');
    await page.keyboard.press('Tab'); // page
    await page.keyboard.type('/replays');
    await page.keyboard.press('Tab'); // name
    await page.keyboard.type('Åsa Öberg');
    await page.keyboard.press('Tab'); // email
    await page.keyboard.type('asa@example.se');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('#form-sent:not(:empty)').waitFor();
    assert.equal(await text(page.locator('#form-sent')), 'Thank you! Your message has been sent to the organisers.');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'form-sent', 'the success is read out');
    assert.equal(await page.locator('#form-error').isHidden(), true);
    assert.equal(await page.locator('#feedback-message').inputValue(), '', 'the form is cleared');
    await assertAccessible(page, 'the form after sending');
    await done();

    // Pushed on ops: the console lists it without a reload.
    const item = consolePage.locator('#a11y-feedback li').first();
    await item.waitFor({ timeout: 10_000 });
    assert.match(await text(item), /The replay of the opening has no captions\./);
    assert.match(await text(item), /Åsa Öberg/);
    assert.match(await text(item), /asa@example\.se/);
    await assertAccessible(consolePage, 'the console’s Accessibility view');
    await organiserView.done();
  },
);

test('every public page’s footer links to the statement in its language', { timeout: 60_000 }, async () => {
  for (const [path, href, label] of [
    ['/', '/tillganglighet', 'Tillgänglighetsredogörelse'],
    [`/event/${EVENT}?lang=nb`, `/tilgjengelighet?event=${EVENT}`, 'Tilgjengelighetserklæring'],
    ['/replays?lang=en', '/accessibility', 'Accessibility statement'],
  ]) {
    const { page, done } = await openPage(path);
    const link = page.locator('footer #statement-link');
    await eventually(`${path}: the footer link`, async () => assert.equal(await link.getAttribute('href'), href));
    assert.equal(await text(link), label);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('#statement').waitFor({ state: 'visible' });
    await done();
  }
});

test('with several events the statement lets the visitor choose one', { timeout: 60_000 }, async () => {
  const week = 'innovationsveckan';
  const other = await server.adminToken(['create-organiser', '--name', 'Lisa Marklund', '--event', week]);
  const programme = JSON.parse(await readFile(path.join(SOURCE_DIR, 'tests', 'data', 'innovation_week.json'), 'utf8'));
  const imported = await api('POST', '/api/v1/events/import', { token: other, body: programme });
  assert.equal(imported.status, 200, JSON.stringify(imported.body));

  const { page, done } = await openPage('/accessibility');
  await page.locator('#statement-events').waitFor({ state: 'visible' });
  const links = page.locator('#statement-event-list a');
  assert.equal(await links.count(), 2);
  await page.locator(`#statement-event-list a[href="/accessibility?event=${week}"]`).click();
  await page.locator('#statement').waitFor({ state: 'visible' });
  assert.match(await text(page.locator('h1')), /Innovationsveckan/);
  assert.equal(await page.locator('#uncaptioned li').count(), 0, 'no replays of that event');
  await assertAccessible(page, 'the list of statements, then one');
  await done();
});
