import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMarks, readMarks } from '../../src/sinks/report/marks.js';
import { TdError } from '../../src/core/td-error.js';
import { jsonl } from '../helpers/records.js';
import { runCli } from '../helpers/cli.js';
import { readLines, runReport, tempDir } from '../helpers/report.js';
import { scoredRecord, verdictsOf } from '../helpers/scored.js';

const idOf = (i: number): string => `data/train-00000.parquet:${i}:t4`;
const ids = (dir: string, file: string): string[] => readLines(dir, file).map((r) => String(r.id));
const exportIds = (dir: string, file: string): string[] => readLines(dir, file).map((r) => (r.metadata as { id: string }).id);
const mark = (i: number, value: string, note = ''): Record<string, unknown> => ({ id: idOf(i), mark: value, note, at: '2026-11-27T10:00:00.000Z' });

/** Scores 90 (final), 70 (refined), 20 (defeat), null (parse-fail), 95 (final), 10 (defeat). */
function records(): unknown[] {
  const scores = [90, 70, 20, null, 95, 10];
  return scores.map((score, index) =>
    scoredRecord({ index, score, ...(score === null ? { verdicts: verdictsOf([['judge-a', undefined, undefined]]) } : {}) }),
  );
}

function marksFile(lines: readonly unknown[]): string {
  const path = join(tempDir('td-marks-'), 'marks.jsonl');
  writeFileSync(path, jsonl(lines));
  return path;
}

describe('td report --marks', () => {
  it('moves rejected turns out of every bucket and export, and keeps accepted ones in final whatever their score', async () => {
    const marks = marksFile([mark(0, 'reject'), mark(2, 'accept'), mark(3, 'accept'), mark(5, 'reject'), mark(1, 'accept')]);
    const out = join(tempDir(), 'out');
    const { result, runtime } = await runReport(records(), { out, marks });
    expect(ids(out, 'rejected.jsonl')).toEqual([idOf(0), idOf(5)]);
    expect(ids(out, 'final.jsonl')).toEqual([idOf(1), idOf(2), idOf(3), idOf(4)]);
    expect(ids(out, 'refined.jsonl')).toEqual([]);
    expect(ids(out, 'defeat.jsonl')).toEqual([]);
    expect(ids(out, 'parse-fail.jsonl')).toEqual([]);
    expect(exportIds(out, 'sft.jsonl')).toEqual([idOf(1), idOf(2), idOf(3), idOf(4)]);
    for (const file of ['sft.jsonl', 'dpo.jsonl', 'final.jsonl']) {
      const text = readFileSync(join(out, file), 'utf8');
      expect(text, file).not.toContain(idOf(0));
      expect(text, file).not.toContain(idOf(5));
    }
    const f = result.funnel;
    expect(f.review).toEqual({ file: marks, accepted: 3, promoted: 3, rejected: 2, unmatched: 0 });
    expect(f.invalid + f.final + f.refined + f.defeat + f.parse_fail + f.review!.rejected).toBe(f.read);
    expect(runtime.stats.out + runtime.stats.failed).toBe(runtime.stats.in);
    const rows = readLines(out, 'turns.jsonl');
    expect(rows.map((row) => [row.outcome, row.mark])).toEqual([
      ['rejected', 'reject'],
      ['final', 'accept'],
      ['final', 'accept'],
      ['final', 'accept'],
      ['final', undefined],
      ['rejected', 'reject'],
    ]);
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain('| rejected by review (rejected.jsonl, not exported) | 2 |');
    expect(markdown).toContain('| accepted by review (in final whatever the score; 3 promoted) | 3 |');
    expect(markdown).toContain(`Review marks from ${marks}: 3 turns accepted`);
  });

  it('leaves the gate as the scores decide it', async () => {
    const marks = marksFile([mark(0, 'reject'), mark(3, 'accept'), mark(5, 'accept')]);
    const plain = await runReport(records(), { out: join(tempDir(), 'out') });
    const marked = await runReport(records(), { out: join(tempDir(), 'out'), marks });
    expect(marked.result.gate).toEqual(plain.result.gate);
    expect(marked.result.funnel.parsed).toBe(plain.result.funnel.parsed);
    expect(marked.result.gate.parse_fail).toBe(1);
  });

  it('applies the last mark for an id; clear takes it back; counts marks for ids not in the input', async () => {
    const marks = marksFile([mark(0, 'reject'), mark(0, 'accept'), mark(2, 'reject'), mark(2, 'clear'), mark(4, 'accept'), mark(4, 'reject'), { id: 'nowhere', mark: 'reject' }]);
    const out = join(tempDir(), 'out');
    const { result } = await runReport(records(), { out, marks });
    expect(ids(out, 'rejected.jsonl')).toEqual([idOf(4)]);
    expect(ids(out, 'final.jsonl')).toEqual([idOf(0)]);
    expect(ids(out, 'defeat.jsonl')).toEqual([idOf(2), idOf(5)]);
    expect(result.funnel.review).toMatchObject({ accepted: 1, promoted: 0, rejected: 1, unmatched: 1 });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('1 marks name ids that are not in this input');
  });

  it('writes no rejected.jsonl and no review rows without --marks', async () => {
    const out = join(tempDir(), 'out');
    const { result } = await runReport(records(), { out });
    expect(existsSync(join(out, 'rejected.jsonl'))).toBe(false);
    expect(result.funnel.review).toBeUndefined();
    expect(readLines(out, 'turns.jsonl').some((row) => 'mark' in row)).toBe(false);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).not.toContain('review');
  });
});

describe('the marks file', () => {
  it('names every bad line as FILE:LINE with what was expected', () => {
    const text = [
      JSON.stringify(mark(0, 'accept')),
      '{"id": "x", "mark": "maybe"}',
      '',
      'not json',
      '[1,2]',
      '{"mark": "reject"}',
      JSON.stringify({ id: 'y', mark: 'reject', at: 'yesterday' }),
    ].join('\n');
    let thrown: unknown;
    try {
      parseMarks(text, 'marks.jsonl');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TdError);
    expect((thrown as TdError).exitCode).toBe(65);
    expect((thrown as TdError).message.split('\n')).toEqual([
      'marks file marks.jsonl has 5 bad lines (fix or remove them; no mark was applied):',
      'marks.jsonl:2: mark: expected one of "accept"|"reject"|"clear", got "maybe" (string)',
      expect.stringMatching(/^marks\.jsonl:4: invalid JSON: /),
      'marks.jsonl:5: expected a JSON object {id, mark, note, at}, got an array of 2',
      'marks.jsonl:6: id: missing (expected string)',
      expect.stringMatching(/^marks\.jsonl:7: at: .*got "yesterday" \(string\)$/),
    ]);
  });

  it('accepts CRLF, a byte-order mark, blank lines and unknown keys', () => {
    const text = '\uFEFF' + JSON.stringify({ ...mark(1, 'reject'), reviewer: 'ana' }) + '\r\n\r\n' + JSON.stringify(mark(2, 'accept', 'fine')) + '\r\n';
    const marks = parseMarks(text, 'm');
    expect([...marks.keys()]).toEqual([idOf(1), idOf(2)]);
    expect(marks.get(idOf(2))!.note).toBe('fine');
  });

  it('is exit 66 when it cannot be read', () => {
    expect(() => readMarks('/nonexistent/marks.jsonl')).toThrow(expect.objectContaining({ exitCode: 66, message: 'cannot read marks file /nonexistent/marks.jsonl: no such file or directory' }));
  });

  it('stops td report before it writes anything (exit 65, one line per bad line)', async () => {
    const dir = tempDir();
    const marks = join(dir, 'marks.jsonl');
    writeFileSync(marks, '{"id":"a","mark":"accept"}\n{"id":"b"}\n');
    const out = join(dir, 'out');
    const result = await runCli(['report', '--out', out, '--marks', marks], { input: jsonl(records()) });
    expect(result.code).toBe(65);
    expect(result.stderr).toBe(`td report: marks file ${marks} has 1 bad line (fix or remove it; no mark was applied):\n${marks}:2: mark: expected one of "accept"|"reject"|"clear"\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('is applied by the CLI and named in the summary line', async () => {
    const dir = tempDir();
    const marks = join(dir, 'marks.jsonl');
    writeFileSync(marks, jsonl([mark(2, 'reject'), mark(1, 'accept')]));
    const out = join(dir, 'out');
    const result = await runCli(['report', '--out', out, '--marks', marks], { input: jsonl(records()) });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('marks: accepted 1, rejected 1; gate');
    expect(ids(out, 'rejected.jsonl')).toEqual([idOf(2)]);
  });
});
