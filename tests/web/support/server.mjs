// Starts the real stagehub binary for a browser test and stops it again.
//
// The server runs the demo theme day on a fresh data directory, on an ephemeral
// loopback port. It is ready when it prints its one line `serving on http://…/` on
// stdout. stop() sends SIGINT (the documented clean shutdown) and returns the exit
// status, so the test can assert a clean exit; kill() is the last resort for teardown
// paths where the test has already failed.

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = path.resolve(process.env.STAGEHUB_SOURCE_DIR ?? path.join(HERE, '..', '..', '..'));
export const STAGEHUB_BIN = process.env.STAGEHUB_BIN ?? path.join(SOURCE_DIR, 'build', 'stagehub');
export const DEMO_PROGRAMME = path.join(SOURCE_DIR, 'schedule', 'programmes', 'tillsammans-for-fornyelse.json');

const READY_LINE = /^serving on (https?:\/\/127\.0\.0\.1:(\d+)\/)$/;
const STDERR_KEEP = 64 * 1024;

// Processes still running when node exits (a crashed test, an interrupted run) are
// killed so no server outlives its test.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class StagehubServer {
  #child = null;
  #dataDir = null;
  #stderr = '';
  #exited = null; // Promise<{code, signal}>

  url = null;
  port = null;

  get stderr() {
    return this.#stderr;
  }

  // The server's data directory (its SQLite file is stagehub.db there).
  get dataDir() {
    return this.#dataDir;
  }

  // Resolves once the server says it is serving; rejects (after stopping it) if it
  // exits first or is not ready within `timeoutMs`.
  async start({ demoSpeed = 60, timeoutMs = 60_000, extraArgs = [], programme = DEMO_PROGRAMME } = {}) {
    if (!existsSync(STAGEHUB_BIN)) {
      throw new Error(
        `stagehub binary not found at ${STAGEHUB_BIN}: build it ` +
          `(cmake -S ${SOURCE_DIR} -B ${SOURCE_DIR}/build -G Ninja && cmake --build ${SOURCE_DIR}/build) ` +
          'or set STAGEHUB_BIN',
      );
    }
    if (!existsSync(path.join(SOURCE_DIR, 'web', 'node_modules', 'hls.js'))) {
      throw new Error(`web/node_modules/hls.js is missing: run npm ci --no-audit --no-fund in ${SOURCE_DIR}/web`);
    }
    this.#dataDir = await mkdtemp(path.join(os.tmpdir(), 'stagehub-web-test-'));
    const args = [
      'serve',
      '--data',
      this.#dataDir,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--web',
      path.join(SOURCE_DIR, 'web'),
      '--demo',
      programme,
      '--demo-speed',
      String(demoSpeed),
      ...extraArgs,
    ];
    const child = spawn(STAGEHUB_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    running.add(child);
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      });
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_KEEP);
    });

    const describe = () => `${STAGEHUB_BIN} ${args.join(' ')}`;
    const ready = new Promise((resolve, reject) => {
      let pending = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        pending += chunk;
        let newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          const match = READY_LINE.exec(line);
          if (match) resolve({ url: match[1], port: Number(match[2]) });
        }
      });
      child.on('error', (error) => reject(new Error(`cannot start ${describe()}: ${error.message}`)));
      this.#exited.then(({ code, signal }) =>
        reject(
          new Error(
            `stagehub exited (code ${code}, signal ${signal}) before it was serving.\n` +
              `command: ${describe()}\nstderr:\n${this.#stderr}`,
          ),
        ),
      );
    });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `stagehub did not print "serving on http://127.0.0.1:PORT/" within ${timeoutMs / 1000} s.\n` +
                `command: ${describe()}\nstderr:\n${this.#stderr}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      const { url, port } = await Promise.race([ready, timeout]);
      this.url = url;
      this.port = port;
      return this;
    } catch (error) {
      await this.kill();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  // One REST call, as a client other than a browser makes it (no Origin): a bearer token
  // and a JSON body when given. Returns the status and the JSON answer.
  async api(method, path, { token = null, body } = {}) {
    const response = await fetch(new URL(path, this.url), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  }

  // Runs `stagehub admin ARGS…` on this server's data directory (as an organiser would on
  // the server) and returns the token it prints on its last line.
  async adminToken(args) {
    const stdout = await new Promise((resolve, reject) => {
      execFile(STAGEHUB_BIN, ['admin', ...args, '--data', this.#dataDir], (error, out, err) => {
        if (error) reject(new Error(`stagehub admin ${args.join(' ')} failed: ${err || error.message}`));
        else resolve(out);
      });
    });
    return stdout.trim().split('\n').pop();
  }

  // stop(), then an error unless stagehub exited with 0 on SIGINT: teardown must leave no
  // server behind whatever happened, and one that does not shut down cleanly fails the run.
  async stopCleanly() {
    const exit = await this.stop();
    if (exit.notStarted || (exit.code === 0 && exit.signal === null)) return;
    throw new Error(
      `stagehub did not exit cleanly on SIGINT (code ${exit.code}, signal ${exit.signal}); ` +
        `stderr:\n${this.stderr}`,
    );
  }

  // SIGINT and wait for the exit; returns {code, signal}. Escalates to SIGKILL after
  // `timeoutMs` and reports that as {code: null, signal: 'SIGKILL', timedOut: true}.
  async stop({ timeoutMs = 20_000 } = {}) {
    if (!this.#child) return { code: null, signal: null, notStarted: true };
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.#exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      child.kill('SIGKILL');
      await this.#exited;
      await this.#cleanup();
      return { code: null, signal: 'SIGKILL', timedOut: true };
    }
    await this.#cleanup();
    return result;
  }

  // Teardown after a failure: make sure the process is gone, ignore how it ended.
  async kill() {
    if (!this.#child) return;
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.#exited;
    await this.#cleanup();
  }

  async #cleanup() {
    this.#child = null;
    if (this.#dataDir) {
      await rm(this.#dataDir, { recursive: true, force: true });
      this.#dataDir = null;
    }
  }
}
