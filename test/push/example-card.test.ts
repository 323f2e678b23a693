import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { runPush, treeOf } from '../helpers/push.js';
import { tempDir } from '../helpers/report.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('docs/push-example-card.md', () => {
  it('is the card td push writes for the key-free demo (td run pipelines/demo.toml); `npx vitest run test/push/example-card.test.ts -u` rewrites it', async () => {
    const report = join(tempDir(), 'demo-report');
    const run = await runCli(['run', 'pipelines/demo.toml', '--set', `report.out=${report}`, '-q'], { cwd: ROOT });
    expect(run.code, run.stderr).toBe(0);
    const out = join(tempDir(), 'tree');
    const push = await runPush([report, '--repo', 'td-examples/demo-duels', '--include', 'final,refined,defeat,sft,dpo,turns', '--dry-run', out], { env: {} });
    expect(push.code, push.stderr).toBe(0);
    await expect(treeOf(out).get('README.md')!.toString()).toMatchFileSnapshot(join(ROOT, 'docs', 'push-example-card.md'));
  });
});
