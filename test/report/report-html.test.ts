import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, pageProblems } from '../helpers/browser.js';
import { runReport, tempDir } from '../helpers/report.js';
import { scoredRecord, verdictsOf } from '../helpers/scored.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));
if (!hasChromium) console.warn(`report.html browser test skipped: ${CHROMIUM} not found (apt-get install chromium)`);

function records(): unknown[] {
  const sides = ['challenger', 'king', 'tie', undefined] as const;
  return Array.from({ length: 40 }, (_, index) =>
    scoredRecord({
      index,
      against: index % 10 === 9 ? 'reference' : 'king',
      verdicts: verdictsOf([
        ['judge-a', sides[index % 3]!, 'challenger'],
        ['judge-b/a-rather-long-model-name-for-layout', sides[(index + 1) % 4], sides[index % 3]],
      ]),
      ...(index === 3 ? { score: null } : {}),
      ...(index === 5 ? { challenger: '<script>document.title = "pwned"</script>\n```bash\ngrep -rn x src\n```' } : {}),
    }),
  ).map((record, index) => (index === 7 ? { ...record, id: '<img src=x onerror=alert(1)>' } : record));
}

describe.skipIf(!hasChromium)(`report.html in headless Chromium${hasChromium ? '' : ` (skipped: no ${CHROMIUM})`}`, () => {
  it('renders its plots offline: no console errors, no requests, no injected markup', async () => {
    const out = join(tempDir(), 'out');
    await runReport(records(), { out });
    const url = pathToFileURL(join(out, 'report.html')).href;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems = pageProblems(page);
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(url, { waitUntil: 'load' });

      for (const id of ['plot-histogram', 'plot-dimensions', 'plot-judges']) {
        const plot = page.locator(`svg#${id}`);
        await expect(plot.count()).resolves.toBe(1);
        const box = await plot.boundingBox();
        expect(box!.width, id).toBeGreaterThan(300);
        expect(box!.height, id).toBeGreaterThan(100);
        expect(await plot.locator('rect').count(), id).toBeGreaterThan(4);
      }
      expect(await page.locator('svg#plot-histogram line.threshold').count()).toBe(2);
      expect(await page.locator('#gate h2').innerText()).toMatch(/^Gate: (PASS|FAIL)$/);
      expect(await page.locator('#turns tbody tr').count()).toBe(40);
      expect(await page.locator('script, img').count()).toBe(0);
      expect(await page.getByText('<img src=x onerror=alert(1)>').count()).toBe(1);
      expect(await page.title()).toBe('td report');
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);

      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'report.png'), fullPage: true });
      expect(existsSync(join(SCREENSHOT_DIR, 'report.png'))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
