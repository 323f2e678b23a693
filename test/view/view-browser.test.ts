import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, pageProblems } from '../helpers/browser.js';
import { collect, runCli, spawnCli } from '../helpers/cli.js';
import { jsonl } from '../helpers/records.js';
import { readLines, tempDir } from '../helpers/report.js';
import { viewRecords } from '../helpers/view-records.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));
if (!hasChromium) console.warn(`td view browser test skipped: ${CHROMIUM} not found (apt-get install chromium)`);

const bucketOf = (score: number | null): string => (score === null ? 'parse-fail' : score >= 80 ? 'final' : score >= 66 ? 'refined' : 'defeat');

describe.skipIf(!hasChromium)(`td view in headless Chromium${hasChromium ? '' : ` (skipped: no ${CHROMIUM})`}`, () => {
  it('lists, filters to defeat, opens a turn side by side with its verdicts, marks it rejected, keeps the mark on reload; td report --marks moves it', async () => {
    const dir = tempDir('td-view-browser-');
    const input = join(dir, 'scored.jsonl');
    const records = viewRecords();
    writeFileSync(input, jsonl(records));
    const defeats = records.filter((r) => bucketOf(r.score) === 'defeat');
    // The turn to review: a defeat whose challenger reply holds </textarea> and <script>.
    const target = records[5]!;
    expect(bucketOf(target.score)).toBe('defeat');

    const child = spawnCli(['view', input]);
    const done = collect(child);
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /td view: (http:\/\/127\.0\.0\.1:\d+\/\?t=[0-9a-f]{64})/.exec(text);
        if (match) resolve(match[1]!);
      });
      void done.then((result) => reject(new Error(`td view exited ${result.code}: ${result.stderr}`)));
    });
    const origin = new URL(url).origin;
    const context: BrowserContext = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1300, height: 900 } });
    const foreign: string[] = [];
    try {
      const page: Page = await context.newPage();
      const problems = pageProblems(page);
      page.on('request', (request) => {
        if (!request.url().startsWith(origin + '/')) foreign.push(request.url());
      });

      // The list, then the defeats only (the select submits the filter by itself).
      await page.goto(url);
      await expect(page.locator('#turns tbody tr').count()).resolves.toBe(records.length);
      await Promise.all([page.waitForURL(/bucket=defeat/), page.selectOption('#bucket', 'defeat')]);
      await expect(page.locator('#turns tbody tr').count()).resolves.toBe(defeats.length);
      expect(await page.locator('#matching').innerText()).toBe(String(defeats.length));
      expect(new Set(await page.locator('#turns tbody td.bucket').allInnerTexts())).toEqual(new Set(['defeat']));

      // Open the target with the keyboard: j moves down the rows, Enter opens.
      const position = defeats.findIndex((r) => r.id === target.id);
      for (let i = 0; i <= position; i++) await page.keyboard.press('j');
      expect(await page.locator('#turns tr.sel').getAttribute('data-id')).toBe(target.id);
      await Promise.all([page.waitForURL(/\/turn\?/), page.keyboard.press('Enter')]);
      const turnUrl = page.url();
      expect(new URL(turnUrl).searchParams.get('id')).toBe(target.id);
      expect(await page.locator('#turn-id').innerText()).toBe(target.id);

      // Side by side: the king on the left, the challenger on the right, with a word diff of the command.
      expect(await page.locator('#side-by-side .side-head').allInnerTexts()).toEqual(['king (blind)', 'challenger (saw the PR)']);
      const [left, right] = await page.locator('#duel pre.command').all();
      expect(await left!.innerText()).toBe('ls src');
      expect(await right!.innerText()).toBe('grep -rn "</pre><b>x</b>" src');
      expect(await left!.locator('del').count()).toBeGreaterThan(0);
      expect(await right!.locator('ins').count()).toBeGreaterThan(0);
      // The reply's markup is text: no script ran, no element was made from it.
      await expect(page.getByText('</textarea><script>document.title = "pwned"</script>').count()).resolves.toBeGreaterThan(0);
      expect(await page.title()).toBe(`${target.id} · td view`);
      expect(await page.locator('#duel b, #duel img, #duel script').count()).toBe(0);

      // Every verdict, per judge and order.
      const verdictRows = page.locator('#verdict-table tbody tr');
      await expect(verdictRows.count()).resolves.toBe(target.judgement.verdicts.length);
      const cells = await verdictRows.evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent!.trim())));
      expect(cells).toEqual(target.judgement.verdicts.map((v) => [v.judge, v.order, 'parsed', `${v.winner} (${v.position_winner})`]));

      // Mark it rejected with a note (typed, then Escape leaves the box so the key is a command).
      await page.locator('#note').fill('leaks the fix </textarea>');
      await page.keyboard.press('Escape');
      await page.keyboard.press('r');
      await page.locator('#mark-status').filter({ hasText: /^rejected at / }).waitFor({ timeout: 10_000 }).catch(async () => {
        throw new Error(`mark not saved: ${await page.locator('#mark-status').innerText()}`);
      });
      expect(await page.locator(`#review [data-mark-for]`).innerText()).toBe('rejected');

      // j and k walk the filtered list.
      await Promise.all([page.waitForURL((u) => u.searchParams.get('id') === defeats[position + 1]!.id), page.keyboard.press('j')]);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('id') === target.id), page.keyboard.press('k')]);

      // A reload shows the mark and the note, from the marks file.
      await page.reload();
      expect(await page.locator('#review [data-mark-for]').innerText()).toBe('rejected');
      expect(await page.locator('#note').inputValue()).toBe('leaks the fix </textarea>');
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'view-turn.png'), fullPage: true });

      // The list's mark filter finds it.
      await page.goto(`${url}&mark=reject`);
      expect(await page.locator('#turns tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')))).toEqual([target.id]);
      expect(problems).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await context.close();
      child.kill('SIGINT');
    }
    expect((await done).code).toBe(130);

    const marks = readFileSync(`${input}.marks.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(marks).toEqual([{ id: target.id, mark: 'reject', note: 'leaks the fix </textarea>', at: expect.any(String) }]);

    const out = join(dir, 'report');
    const report = await runCli(['report', '--out', out, '-i', input, '--marks', `${input}.marks.jsonl`]);
    expect(report.code).toBe(0);
    expect(readLines(out, 'rejected.jsonl').map((r) => r.id)).toEqual([target.id]);
    expect(readLines(out, 'defeat.jsonl').map((r) => r.id)).toEqual(defeats.filter((r) => r.id !== target.id).map((r) => r.id));
  });
});
