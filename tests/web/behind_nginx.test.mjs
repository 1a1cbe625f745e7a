// stagehub behind real nginx running the SHIPPED site file (scripts/deploy/nginx-stagehub.conf)
// with only its certificate, ports, upstream and cache folder substituted: the watch page
// plays through it in Chromium over TLS, the websocket connects through it and carries an
// organiser's edit, a blocking playlist reload waits and answers through it, segments are
// cached and playlists never, stagehub's security headers pass once with nginx's HSTS, a
// body over stagehub's limit gets its JSON 413, and stagehub counts its per-address limits
// against the client nginx names in X-Forwarded-For (--trusted-proxy) while a forged header
// from anyone else is not believed.
//
// Addresses: nginx connects to stagehub from 127.0.0.2 (proxy_bind, in the test's own
// nginx.conf around the site file), the only address stagehub trusts; the test's clients
// come from 127.0.0.1 and other loopback addresses of their own, as viewers would from theirs.
//
// Run: node --test tests/web/behind_nginx.test.mjs (ctest: web.behind_nginx). Needs nginx
// (scripts/setup), openssl, Debian's chromium and the stagehub binary.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { DEMO_PROGRAMME, SOURCE_DIR, StagehubServer } from './support/server.mjs';
import { closeAll, launchBrowser, newPage } from './support/browser.mjs';
import { selfSignedCertificate } from './support/tls.mjs';
import { eventually, sleep } from './support/wait.mjs';

const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const SITE = path.join(SOURCE_DIR, 'scripts', 'deploy', 'nginx-stagehub.conf');
const PROXY_ADDRESS = '127.0.0.2';
const FAILED_TOKENS_PER_MINUTE = 3;
const CONNECTIONS_PER_ADDRESS = 4;

const server = new StagehubServer();
let browser = null;
let prefix = null;
let nginx = null;
let nginxExited = null;
let nginxLog = '';
let httpsUrl = null;
let httpPort = null;
let demo = null;

// A port free on 127.0.0.1 now (nginx is told to listen on it).
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// `from` must occur exactly once in the shipped file: if the file changes shape, this test
// says so instead of quietly testing something else.
function replaceOnce(text, from, to) {
  const count = text.split(from).length - 1;
  assert.equal(count, 1, `the shipped site has "${from}" ${count} times, want once`);
  return text.replace(from, to);
}

// One request on a connection of its own from `localAddress`: {status, headers, rawHeaders,
// body, ms}.
function request(url, { method = 'GET', headers = {}, localAddress = '127.0.0.1', body = null } = {}) {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const outgoing = client.request(
      target,
      { method, headers, localAddress, agent: false, rejectUnauthorized: false },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            headers: response.headers,
            rawHeaders: response.rawHeaders,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: Date.now() - started,
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.setTimeout(60_000, () => outgoing.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    outgoing.end(body);
  });
}

// The last segment's media sequence number a media playlist lists, and its segment URIs.
function parseMediaPlaylist(text) {
  const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1]);
  const segments = text.split('\n').filter((line) => line && !line.startsWith('#'));
  return { last: sequence + segments.length - 1, segments };
}

before(async () => {
  demo = JSON.parse(await readFile(DEMO_PROGRAMME, 'utf8'));
  prefix = await mkdtemp(path.join(os.tmpdir(), 'stagehub-nginx-'));
  const { cert, key } = await selfSignedCertificate(prefix);
  // A stage on air with the test pattern (no --no-broadcast): the page must play.
  await server.start({
    demoSpeed: 60,
    extraArgs: [
      '--ladder',
      'none',
      '--trusted-proxy',
      PROXY_ADDRESS,
      '--limit-failed-tokens',
      String(FAILED_TOKENS_PER_MINUTE),
      '--connections-per-address',
      String(CONNECTIONS_PER_ADDRESS),
    ],
  });

  const httpsPort = await freePort();
  httpPort = await freePort();
  let site = await readFile(SITE, 'utf8');
  site = replaceOnce(site, 'server 127.0.0.1:8080;', `server 127.0.0.1:${server.port};`);
  site = replaceOnce(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
  site = replaceOnce(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
  site = replaceOnce(
    site,
    'ssl_certificate /etc/ssl/certs/stagehub.example.org.fullchain.pem;',
    `ssl_certificate ${cert};`,
  );
  site = replaceOnce(
    site,
    'ssl_certificate_key /etc/ssl/private/stagehub.example.org.key;',
    `ssl_certificate_key ${key};`,
  );
  site = replaceOnce(site, 'proxy_cache_path /var/lib/nginx/stagehub-cache ', `proxy_cache_path ${prefix}/cache `);
  await writeFile(path.join(prefix, 'stagehub.conf'), site);
  // What Debian's /etc/nginx/nginx.conf would be around the site, kept inside the prefix,
  // plus proxy_bind (see the top) and an access log that says what the cache did.
  await writeFile(
    path.join(prefix, 'nginx.conf'),
    `daemon off;
master_process off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log info;
events { worker_connections 512; }
http {
  log_format cached '$request_uri $status $upstream_cache_status';
  access_log ${prefix}/access.log cached;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  proxy_bind ${PROXY_ADDRESS};
  include ${prefix}/stagehub.conf;
}
`,
  );
  const nginxArgs = ['-p', prefix, '-e', path.join(prefix, 'error.log'), '-c', path.join(prefix, 'nginx.conf')];
  await promisify(execFile)(NGINX, ['-t', '-q', ...nginxArgs]).catch((error) => {
    throw new Error(`nginx -t refuses the shipped site: ${error.stderr || error.message}`);
  });
  nginx = spawn(NGINX, nginxArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  nginx.stderr.setEncoding('utf8');
  nginx.stderr.on('data', (chunk) => {
    nginxLog += chunk;
  });
  nginxExited = new Promise((resolve) => nginx.on('exit', resolve));
  process.on('exit', () => nginx?.kill('SIGKILL'));
  httpsUrl = `https://127.0.0.1:${httpsPort}/`;
  await eventually('nginx to answer', async () => {
    const health = await request(new URL('/api/v1/health', httpsUrl));
    assert.equal(health.status, 200, health.body);
  });
  browser = await launchBrowser();
});

after(() =>
  closeAll(browser, server, async () => {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGTERM');
      await Promise.race([nginxExited, sleep(5_000)]);
      if (nginx.exitCode === null) nginx.kill('SIGKILL');
    }
    if (prefix) await rm(prefix, { recursive: true, force: true });
  }),
);

test('plain HTTP is redirected to HTTPS', { timeout: 10_000 }, async () => {
  const answer = await request(`http://127.0.0.1:${httpPort}/replays?event=x`);
  assert.equal(answer.status, 301);
  assert.equal(answer.headers.location, 'https://127.0.0.1/replays?event=x');
});

test(
  "stagehub's security headers pass once, HSTS is added, bodies are limited as stagehub's",
  {
    timeout: 10_000,
  },
  async () => {
    const page = await request(httpsUrl);
    assert.equal(page.status, 200);
    const count = (name) => page.rawHeaders.filter((value, i) => i % 2 === 0 && value.toLowerCase() === name).length;
    for (const name of ['content-security-policy', 'x-frame-options', 'referrer-policy', 'strict-transport-security']) {
      assert.equal(count(name), 1, `${name} once: ${page.rawHeaders.join(' | ')}`);
    }
    assert.match(
      page.headers['content-security-policy'],
      /wss:\/\/127\.0\.0\.1:\d+/,
      'the page names the host it was asked for',
    );

    // One byte over stagehub's 1 MiB: refused by nginx before it buffers it, as stagehub would.
    const tooLarge = await request(new URL('/api/v1/events/x/registrations', httpsUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc((1 << 20) + 1, 0x20),
    });
    assert.equal(tooLarge.status, 413);
    assert.equal(JSON.parse(tooLarge.body).error.code, 'payload_too_large');

    // The metrics are the monitoring host's: the site does not pass /metrics on.
    const metrics = await request(new URL('/metrics', httpsUrl));
    assert.equal(metrics.status, 404);
    assert.doesNotMatch(metrics.body, /stagehub_/);
  },
);

test('the watch page plays through nginx and its websocket carries an edit', { timeout: 120_000 }, async () => {
  const { context, page, pageErrors, sockets } = await newPage(browser, httpsUrl, {
    ignoreHTTPSErrors: true,
    locale: 'sv-SE',
  });
  try {
    await page.goto(httpsUrl);
    await eventually(
      'the page connected through nginx',
      async () => {
        const state = await page.evaluate(() => document.getElementById('connection')?.dataset.state);
        assert.equal(state, 'connected');
      },
      { timeoutMs: 20_000 },
    );
    assert.ok(
      sockets.some((url) => url.startsWith(`${httpsUrl.replace('https', 'wss')}ws`)),
      `a wss:// websocket through nginx: ${sockets.join(', ')}`,
    );

    const player = () =>
      page.evaluate(() => {
        const video = document.querySelector('#player video');
        return {
          time: video?.currentTime ?? -1,
          ready: video?.readyState ?? -1,
          error: video?.error ? `${video.error.code} ${video.error.message}` : null,
        };
      });
    const started = await eventually(
      'the video to start playing',
      async () => {
        const state = await player();
        assert.equal(state.error, null);
        assert.ok(state.ready >= 2 && state.time > 0, JSON.stringify(state));
        return state;
      },
      { timeoutMs: 40_000, intervalMs: 500 },
    );
    await eventually(
      'currentTime to grow by 2 s',
      async () => {
        const state = await player();
        assert.equal(state.error, null);
        assert.ok(state.time - started.time >= 2, `currentTime ${started.time} -> ${state.time}`);
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );

    // An organiser's edit, sent through nginx, reaches the page over its websocket.
    const token = await server.adminToken(['create-organiser', '--name', 'Proxytest', '--event', demo.event.id]);
    const title = 'Avslutning – genom nginx';
    const edit = await request(new URL(`/api/v1/events/${demo.event.id}/sessions/avslutning`, httpsUrl), {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        origin: httpsUrl.slice(0, -1),
      },
      body: JSON.stringify({ title }),
    });
    assert.equal(edit.status, 200, edit.body);
    await eventually(
      'the new title in the agenda',
      async () => {
        const shown = await page.locator('#agenda li[data-session-id="avslutning"] .agenda-title').textContent();
        assert.equal(shown, title);
      },
      { timeoutMs: 5_000, intervalMs: 100 },
    );
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test(
  'blocking playlist reloads wait and answer through nginx; segments are cached, playlists not',
  {
    timeout: 60_000,
  },
  async (t) => {
    const programme = JSON.parse((await request(new URL('/api/v1/programme', httpsUrl))).body);
    const stage = programme.events.find((event) => event.id === demo.event.id).stages[0];
    const master = await request(new URL(stage.live.hls, httpsUrl));
    assert.equal(master.status, 200, master.body);
    const variant = master.body.split('\n').find((line) => line && !line.startsWith('#'));
    const mediaUrl = new URL(variant, new URL(stage.live.hls, httpsUrl));
    const media = await eventually('a live playlist with segments', async () => {
      const answer = await request(mediaUrl);
      assert.equal(answer.status, 200, answer.body);
      const parsed = parseMediaPlaylist(answer.body);
      assert.ok(parsed.segments.length > 0, answer.body);
      return { answer, ...parsed };
    });
    assert.equal(media.answer.headers['cache-control'], 'no-store');

    // Two segments past the newest: stagehub holds the request 2 to 4 s, nginx must wait too.
    // More of them at once than --connections-per-address: nginx's connections are not capped.
    const wanted = media.last + 2;
    const waits = await Promise.all(
      Array.from({ length: CONNECTIONS_PER_ADDRESS + 2 }, () => request(new URL(`?_HLS_msn=${wanted}`, mediaUrl))),
    );
    t.diagnostic(
      `${waits.length} blocking reloads through nginx answered after ${waits.map((w) => w.ms).join(', ')} ms`,
    );
    for (const answer of waits) {
      assert.equal(answer.status, 200, answer.body);
      assert.ok(answer.ms >= 1_000, `answered after ${answer.ms} ms: it did not wait`);
      assert.ok(answer.ms < 15_000, `answered after ${answer.ms} ms`);
      assert.ok(parseMediaPlaylist(answer.body).last >= wanted, answer.body);
    }

    // A segment asked for twice: the second comes from nginx's cache. Playlists never do.
    const segment = new URL(media.segments.at(-1), mediaUrl);
    const first = await request(segment);
    const second = await request(segment);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(second.body.length, first.body.length);
    const log = await eventually('the access log to list the requests', async () => {
      const text = await readFile(path.join(prefix, 'access.log'), 'utf8');
      assert.ok(text.split('\n').filter((line) => line.startsWith(`${segment.pathname} `)).length >= 2, text);
      return text.split('\n');
    });
    const segmentLines = log.filter((line) => line.startsWith(`${segment.pathname} `));
    assert.match(segmentLines.at(-1), / 200 HIT$/, segmentLines.join('\n'));
    const playlistLines = log.filter((line) => line.includes('.m3u8'));
    assert.ok(playlistLines.length > 0);
    assert.ok(!playlistLines.some((line) => /HIT$/.test(line)), playlistLines.join('\n'));
  },
);

test(
  'limits count the client nginx names; a forged X-Forwarded-For is not believed',
  {
    timeout: 30_000,
  },
  async () => {
    const programme = new URL('/api/v1/programme', httpsUrl);
    const badToken = { authorization: 'Bearer not-a-token' };
    // Client 127.0.0.9 through nginx spends its failed tokens, then is refused...
    for (let i = 0; i < FAILED_TOKENS_PER_MINUTE; ++i) {
      const answer = await request(programme, { headers: badToken, localAddress: '127.0.0.9' });
      assert.equal(answer.status, 401, answer.body);
    }
    const refused = await request(programme, { headers: badToken, localAddress: '127.0.0.9' });
    assert.equal(refused.status, 429, refused.body);
    // ...while another client behind the same nginx is not: stagehub tells them apart.
    const other = await request(programme, { headers: badToken, localAddress: '127.0.0.10' });
    assert.equal(other.status, 401, other.body);

    // The refused client cannot name itself someone else through nginx (nginx appends the
    // address it saw; stagehub takes the right-most one that is not a trusted proxy).
    const forgedThroughProxy = await request(programme, {
      headers: { ...badToken, 'x-forwarded-for': '192.0.2.77' },
      localAddress: '127.0.0.9',
    });
    assert.equal(forgedThroughProxy.status, 429, forgedThroughProxy.body);

    // Nor can anyone connecting to stagehub directly: from a peer that is not a trusted proxy
    // the header is ignored, so these count against the peer, 127.0.0.11, and it is refused.
    const direct = new URL('/api/v1/programme', server.url);
    for (let i = 0; i < FAILED_TOKENS_PER_MINUTE; ++i) {
      const answer = await request(direct, {
        headers: { ...badToken, 'x-forwarded-for': `192.0.2.${100 + i}` },
        localAddress: '127.0.0.11',
      });
      assert.equal(answer.status, 401, answer.body);
    }
    const directRefused = await request(direct, {
      headers: { ...badToken, 'x-forwarded-for': '192.0.2.200' },
      localAddress: '127.0.0.11',
    });
    assert.equal(directRefused.status, 429, directRefused.body);
    // And a forged header naming the exhausted client does not get an innocent peer refused.
    const framed = await request(direct, {
      headers: { ...badToken, 'x-forwarded-for': '127.0.0.9' },
      localAddress: '127.0.0.12',
    });
    assert.equal(framed.status, 401, framed.body);
    assert.ok(nginx.exitCode === null, `nginx still runs; its log:\n${nginxLog}`);
  },
);
