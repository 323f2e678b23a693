import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { REPORT_FILES } from '../../src/sinks/report/report-sink.js';
import { readLines, runReport, tempDir } from '../helpers/report.js';
import { scoredRecord, stageMeta, verdictsOf } from '../helpers/scored.js';

const ids = (dir: string, file: string): string[] => readLines(dir, file).map((r) => String(r.id));
const idOf = (i: number): string => `data/train-00000.parquet:${i}:t4`;

describe('td report buckets', () => {
  it('puts scores exactly at 66 and 80 into the higher bucket', async () => {
    const scores = [0, 65.999, 66, 79.999, 80, 100];
    const out = join(tempDir(), 'out');
    await runReport(scores.map((score, index) => scoredRecord({ index, score })), { out });
    expect(ids(out, 'defeat.jsonl')).toEqual([idOf(0), idOf(1)]);
    expect(ids(out, 'refined.jsonl')).toEqual([idOf(2), idOf(3)]);
    expect(ids(out, 'final.jsonl')).toEqual([idOf(4), idOf(5)]);
    expect(readLines(out, 'sft.jsonl').map((r) => (r.metadata as { id: string }).id)).toEqual([idOf(4), idOf(5)]);
  });

  it('moves the boundaries with --final-min and --defeat-min', async () => {
    const out = join(tempDir(), 'out');
    await runReport([50, 60, 90].map((score, index) => scoredRecord({ index, score })), { out, finalMin: 90, defeatMin: 60 });
    expect(ids(out, 'defeat.jsonl')).toEqual([idOf(0)]);
    expect(ids(out, 'refined.jsonl')).toEqual([idOf(1)]);
    expect(ids(out, 'final.jsonl')).toEqual([idOf(2)]);
  });

  it('counts a parse-fail turn but exports it nowhere except parse-fail.jsonl', async () => {
    const out = join(tempDir(), 'out');
    const failed = scoredRecord({ index: 1, verdicts: verdictsOf([['judge-a', undefined, undefined]]) });
    expect(failed.score).toBeNull();
    const { result } = await runReport([scoredRecord({ index: 0 }), failed], { out });
    expect(result.funnel.parse_fail).toBe(1);
    expect(result.gate.parse_fail).toBe(1);
    for (const file of ['final.jsonl', 'refined.jsonl', 'defeat.jsonl', 'sft.jsonl', 'dpo.jsonl']) {
      expect(readFileSync(join(out, file), 'utf8')).not.toContain(idOf(1));
    }
    expect(ids(out, 'parse-fail.jsonl')).toEqual([idOf(1)]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| parse-fail \(parse-fail\.jsonl, not exported\) \| 1 \|/);
  });

  it('conserves counts: read = invalid + final + refined + defeat + parse-fail', async () => {
    const records: unknown[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 11 === 0) records.push({ id: `broken-${i}` });
      else if (i % 7 === 0) records.push(scoredRecord({ index: i, score: null }));
      else records.push(scoredRecord({ index: i, score: (i * 37) % 101 }));
    }
    const out = join(tempDir(), 'out');
    const { result, errors, runtime } = await runReport(records, { out });
    const f = result.funnel;
    const lines = (file: string): number => readLines(out, `${file}.jsonl`).length;
    expect(f.read).toBe(60);
    expect(f.invalid).toBe(errors.length);
    expect(errors.every((e) => e.reason === 'schema' && e.kind === 'invalid')).toBe(true);
    expect(f.invalid + f.final + f.refined + f.defeat + f.parse_fail).toBe(f.read);
    expect([lines('final'), lines('refined'), lines('defeat'), lines('parse-fail')]).toEqual([f.final, f.refined, f.defeat, f.parse_fail]);
    expect(lines('turns')).toBe(f.judged);
    // The stage summary balances too: parse-fail turns are written out (to parse-fail.jsonl), like td judge counts them.
    expect(runtime.stats.out).toBe(f.final + f.refined + f.defeat + f.parse_fail);
    expect(runtime.stats.out + runtime.stats.failed).toBe(runtime.stats.in);
  });

  it('counts a repeated id once: later records with it are rejected as duplicate-id and kept out of every file and the gate', async () => {
    const out = join(tempDir(), 'out');
    const records = [scoredRecord({ index: 0, score: 90 }), scoredRecord({ index: 1, score: 20 }), scoredRecord({ index: 0, score: 10 }), { ...scoredRecord({ index: 1, score: 20 }), again: true }];
    const { result, errors } = await runReport(records, { out });
    expect(errors.map((e) => [e.line, e.kind, e.reason, e.error])).toEqual([
      [3, 'invalid', 'duplicate-id', `id "${idOf(0)}" was already passed on by an earlier record: one record per id`],
      [4, 'invalid', 'duplicate-id', `id "${idOf(1)}" was already passed on by an earlier record: one record per id`],
    ]);
    expect(ids(out, 'turns.jsonl')).toEqual([idOf(0), idOf(1)]);
    expect([ids(out, 'final.jsonl'), ids(out, 'defeat.jsonl')]).toEqual([[idOf(0)], [idOf(1)]]);
    expect(result.funnel).toMatchObject({ read: 4, invalid: 2, final: 1, defeat: 1 });
    expect(result.gate.turns).toBe(2);
  });

  it('writes the same bytes whether the calls were cached or not', async () => {
    const run = async (cached: boolean): Promise<string> => {
      const volatile = { cached, latency_ms: cached ? 0 : 4321 };
      const records = [70, 85, 20, null].map((score, index) =>
        scoredRecord({ index, score, meta: { judge: { ...stageMeta('judge-model', 300, 40, 0.001, volatile), model: 'judge-model' } } }),
      );
      const out = join(tempDir(), 'out');
      await runReport(records, { out });
      return out;
    };
    const [fresh, cached] = [await run(false), await run(true)];
    for (const name of [...REPORT_FILES.map((file) => `${file}.jsonl`), 'duel.json', 'report.md', 'report.html']) {
      expect(readFileSync(join(cached, name), 'utf8'), name).toBe(readFileSync(join(fresh, name), 'utf8'));
    }
    const call = (readLines(fresh, 'final.jsonl')[0]!.meta as { judge: { calls: Array<Record<string, unknown>> } }).judge.calls[0]!;
    expect(Object.keys(call)).not.toContain('latency_ms');
    expect(Object.keys(call)).not.toContain('cached');
    expect(call.prompt_tokens).toBe(300);
  });

  it('keeps unknown fields and key order of the input records', async () => {
    const out = join(tempDir(), 'out');
    const record = { zeta: 1, ...scoredRecord({ score: 90 }), extra: { nested: [1, 'two'] } };
    await runReport([record], { out });
    const written = readLines(out, 'final.jsonl')[0]!;
    expect(Object.keys(written)).toEqual(Object.keys(record));
    expect(written.extra).toEqual({ nested: [1, 'two'] });
  });

  it('never writes a known secret into the data files', async () => {
    const secret = 'cpk_live_0123456789abcdefXYZ';
    const out = join(tempDir(), 'out');
    await runReport([scoredRecord({ score: 90, challenger: `THOUGHT: key ${secret}\n\n\`\`\`bash\nls\n\`\`\`\n` })], { out }, new Redactor([secret]));
    for (const file of ['final.jsonl', 'sft.jsonl', 'dpo.jsonl', 'turns.jsonl', 'report.md']) {
      expect(readFileSync(join(out, file), 'utf8')).not.toContain(secret);
    }
    expect(readFileSync(join(out, 'final.jsonl'), 'utf8')).toContain('[REDACTED]');
  });
});
