// HTTPS and HTTP/2 end to end: stagehub with --tls-cert/--tls-key serves the watch page to
// Debian's chromium over h2 (ALPN), the page's websocket connects and follows the agenda,
// and the files' conditional and range requests behave over h2 as over HTTP/1.1.
//
// Run: node --test tests/web/https_h2.test.mjs (ctest: web.https_h2).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';

import { SOURCE_DIR, StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { selfSignedCertificate } from './support/tls.mjs';
import { eventually } from './support/wait.mjs';

const server = new StagehubServer();
let browser = null;
let certDir = null;

before(async () => {
  certDir = await mkdtemp(path.join(os.tmpdir(), 'stagehub-tls-'));
  const { cert, key } = await selfSignedCertificate(certDir);
  await server.start({
    demoSpeed: 1,
    extraArgs: ['--no-broadcast', '--tls-cert', cert, '--tls-key', key],
  });
  browser = await launchBrowser();
});

after(() => closeAll(browser, server, () => rm(certDir, { recursive: true, force: true })));

// One request on an h2 session: {status, headers, body}.
function h2Request(session, headers) {
  return new Promise((resolve, reject) => {
    const request = session.request(headers);
    const chunks = [];
    let head = null;
    request.on('response', (h) => {
      head = h;
    });
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve({ status: head[':status'], headers: head, body: Buffer.concat(chunks) }));
    request.on('error', reject);
    request.end();
  });
}

test('files and the API over HTTP/2: whole, HEAD, not modified, ranges', { timeout: 30_000 }, async () => {
  assert.match(server.url, /^https:/);
  const session = http2.connect(server.url, { rejectUnauthorized: false });
  try {
    const css = await readFile(path.join(SOURCE_DIR, 'web', 'style.css'));
    const whole = await h2Request(session, { ':path': '/style.css' });
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(css), 'the file, byte for byte');
    const etag = whole.headers.etag;
    assert.ok(etag);
    const head = await h2Request(session, { ':path': '/style.css', ':method': 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers['content-length']), css.length);
    assert.equal(head.body.length, 0);
    const unchanged = await h2Request(session, { ':path': '/style.css', 'if-none-match': etag });
    assert.equal(unchanged.status, 304);
    assert.equal(unchanged.body.length, 0);
    const range = await h2Request(session, { ':path': '/style.css', range: 'bytes=100-199' });
    assert.equal(range.status, 206);
    assert.ok(range.body.equals(css.subarray(100, 200)));
    const api = await h2Request(session, { ':path': '/api/v1/health' });
    assert.equal(api.status, 200);
    assert.equal(JSON.parse(api.body).status, 'ok');
    const missing = await h2Request(session, { ':path': '/api/v1/events/finns-inte' });
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).error.code, 'not_found');
  } finally {
    session.close();
  }
});

test('the watch page loads over h2 and its websocket follows the agenda', { timeout: 60_000 }, async () => {
  const { context, page, pageErrors } = await newPage(browser, server.url, {
    ignoreHTTPSErrors: true,
    locale: 'sv-SE',
  });
  try {
    await page.goto(server.url);
    await eventually(
      'the page on h2, connected, with the agenda',
      async () => {
        const seen = await page.evaluate(() => ({
          protocol: performance.getEntriesByType('navigation')[0]?.nextHopProtocol,
          modules: performance.getEntriesByType('resource').map((entry) => entry.nextHopProtocol),
          connection: document.getElementById('connection')?.dataset.state,
          agenda: document.querySelectorAll('#agenda li.agenda-item').length,
        }));
        assert.equal(seen.protocol, 'h2');
        assert.ok(seen.modules.length > 0 && seen.modules.every((p) => p === 'h2'), seen.modules.join(','));
        assert.equal(seen.connection, 'connected', 'the websocket over TLS is up');
        assert.equal(seen.agenda, 24);
      },
      { timeoutMs: 20_000 },
    );
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
