/**
 * The README's screenshot of td view's turn page (docs/view-turn.png), taken the way a user sees it:
 *
 *   npm run build && npm run build:tools && node dist-tools/scripts/view-screenshot.js
 *
 * Writes a small scored file (the showcase turn among the test records), starts the built `td view`
 * on it, opens the showcase turn in headless Chromium and saves the page; also docs/view-list.png.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/browser.js';
import { jsonl } from '../test/helpers/records.js';
import { showcaseRecord, viewRecords } from '../test/helpers/view-records.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'td-view-shot-'));
const input = join(dir, 'scored.jsonl');
const showcase = showcaseRecord();
writeFileSync(input, jsonl([...viewRecords().slice(0, 12), showcase, ...viewRecords().slice(12)]));

const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'view', input], { stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise<string>((resolve, reject) => {
  let text = '';
  child.stderr.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const match = /td view: (http:\/\/\S+)/.exec(text);
    if (match) resolve(match[1]!);
  });
  child.on('exit', (code) => reject(new Error(`td view exited ${code}: ${text}`)));
});
let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
try {
  // A fresh profile directory of our own (launchPersistentContext is how playwright takes --user-data-dir).
  browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1360, height: 1000 },
  });
  const page = await browser.newPage();
  await page.goto(url);
  await page.screenshot({ path: join(root, 'docs/view-list.png') });
  const turnUrl = new URL(url);
  turnUrl.pathname = '/turn';
  turnUrl.searchParams.set('id', showcase.id);
  await page.goto(turnUrl.href);
  // From the turn's title down to the verdicts: the part of the page the README shows (a tall viewport, so it is all laid out).
  await page.setViewportSize({ width: 1360, height: 3000 });
  const start = (await page.locator('h1').boundingBox())!.y - 40;
  const end = (await page.locator('#verdicts').boundingBox())!;
  await page.screenshot({ path: join(root, 'docs/view-turn.png'), clip: { x: 0, y: start, width: 1360, height: end.y + end.height - start + 10 } });
  process.stderr.write('wrote docs/view-turn.png and docs/view-list.png\n');
} finally {
  await browser?.close();
  child.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
