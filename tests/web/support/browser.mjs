// The browser every page test drives (Debian's chromium, headless, through playwright-core),
// the pages it opens with what each test records on them, and the teardown every test file
// ends with.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TESTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (error) {
  throw new Error(
    `playwright-core is not installed: run npm ci --no-audit --no-fund in ${TESTS_DIR} (${error.message})`,
    {
      cause: error,
    },
  );
}

// Chromium with the common arguments and `args` after them.
export function launchBrowser({ args = [] } = {}) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...args] });
}

// Starts recording on `page` what the tests assert about every page: its uncaught errors
// (`pageErrors`, their messages) and every request, HTTP or websocket, to a host other than
// the server at `serverUrl` (`foreignRequests`; blob: and data: URLs stay in the page).
// `sockets` lists the URL of every websocket the page opened.
export function recordPage(page, serverUrl) {
  const { origin } = new URL(serverUrl);
  const socketOrigin = origin.replace(/^http/, 'ws'); // http: -> ws:, https: -> wss:
  const recorded = { pageErrors: [], foreignRequests: [], sockets: [] };
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !/^(blob|data):/.test(url)) recorded.foreignRequests.push(url);
  });
  page.on('websocket', (socket) => {
    recorded.sockets.push(socket.url());
    if (!socket.url().startsWith(`${socketOrigin}/`)) recorded.foreignRequests.push(socket.url());
  });
  page.on('pageerror', (error) => recorded.pageErrors.push(error.message));
  return recorded;
}

// A page in a browser context of its own (one device, as playwright's browser.newPage()
// makes) with `contextOptions`, recording what recordPage() records:
// {context, page, pageErrors, foreignRequests, sockets}. The caller closes the context.
export async function newPage(browser, serverUrl, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  return { context, page, ...recordPage(page, serverUrl) };
}

// A test file's teardown: closes the browser, stops the server (stopCleanly: an unclean
// exit fails the run), then runs `cleanup`; each step runs even when the one before threw.
export async function closeAll(browser, server, cleanup = async () => {}) {
  try {
    await browser?.close();
  } finally {
    try {
      await server.stopCleanly();
    } finally {
      await cleanup();
    }
  }
}
