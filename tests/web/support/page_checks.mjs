// What every page test checks the same way: an accessibility audit with axe-core (from npm,
// injected into the page under test) and screenshots for docs/screenshots/.

import { createRequire } from 'node:module';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import assert from 'node:assert/strict';

import { SOURCE_DIR } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

export const SCREENSHOTS = path.join(SOURCE_DIR, 'docs', 'screenshots');

// Runs axe-core on the page as it stands (WCAG 2.1 A and AA rules) and fails on any
// violation of impact "serious" or "critical", listing each with the nodes it found.
// Returns every violation (minor and moderate ones included) for the test to print.
export async function assertAccessible(page, what) {
  await page.evaluate(await AXE_SOURCE);
  const results = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  const serious = results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious,
    [],
    `${what}: axe-core found serious accessibility violations:\n${serious
      .map((v) => `  ${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(', ')}`)
      .join('\n')}`,
  );
  return results;
}

// Saves docs/screenshots/{name}-{desktop|phone}.png of the page as it stands at its
// current viewport; `kind` names which.
export async function saveScreenshot(page, name, kind) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}-${kind}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// The two viewports every page is shown at.
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };
