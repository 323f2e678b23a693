import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommonOptionsSchema } from '../../src/pipeline/common-options.js';
import { runProcess } from '../../src/cli/run-process.js';
import { sourceStream } from '../../src/core/source-stream.js';
import type { SourceStage, Sourced } from '../../src/core/stage.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A source that passes on three records, fails one, and then breaks off (like td sample when the Hub goes away). */
const failingSource: SourceStage = {
  async *run(): AsyncGenerator<Sourced<Record<string, unknown>>> {
    for (let n = 0; n < 3; n++) yield { ok: true, record: { id: `r${n}` }, source: 'hub', line: n + 1 };
    yield { ok: false, failure: { kind: 'filtered', reason: 'no-pr', message: 'no PR row' }, source: 'hub', line: 4, replay: { record: { id: 'r3' } } };
    throw new Error('the Hub went away');
  },
};

describe('runProcess', () => {
  it('prints each stage summary and the errors-file hint before giving up on a run that failed part-way', async () => {
    const errors = join(mkdtempSync(join(tmpdir(), 'td-run-process-')), 'errors.jsonl');
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    const run = runProcess({
      name: 'td sample',
      common: CommonOptionsSchema.parse({ errors, progress: 'off' }),
      build: async (session) => {
        const runtime = session.forStage('sample');
        const sink = new Writable({ objectMode: true, write: (_item, _encoding, callback) => callback() });
        return { streams: [sourceStream(failingSource, runtime), sink], stages: [{ runtime, source: true }] };
      },
    });
    await expect(run).rejects.toThrow('the Hub went away');
    const text = stderr.join('');
    expect(text).toContain('hub:4: no-pr: no PR row (td sample)');
    expect(text).toMatch(new RegExp(`td sample: in 4, out 3, failed 1 \\(no-pr 1\\), [\\d.]+s \\(see ${errors.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)\\n`));
  });
});
