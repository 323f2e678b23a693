import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asJsonTextPr, fixturePrs, fixtureTrajectories } from '../../scripts/fixture-rows.js';
import { FIXTURE_FIRST_FILE_ROWS } from '../../scripts/fixtures.js';
import { writeParquet } from '../../scripts/parquet-writer.js';
import type { TurnRecord } from '../../src/contract/turn.js';
import type { TdError } from '../../src/core/td-error.js';
import { FIXTURES, runSample } from './helpers.js';

/** The fixture set as JSONL: blank lines, CRLF line ends and a byte-order mark, which are not rows. */
function writeJsonlCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'td-jsonl-'));
  mkdirSync(join(dir, 'trajectories'));
  const rows = fixtureTrajectories();
  const lines = (items: readonly unknown[]) => items.map((item, i) => JSON.stringify(item) + (i % 3 === 0 ? '\r\n\n' : '\n')).join('');
  writeFileSync(join(dir, 'trajectories', 'train-00000-of-00002.jsonl'), '\uFEFF' + lines(rows.slice(0, FIXTURE_FIRST_FILE_ROWS)));
  writeFileSync(join(dir, 'trajectories', 'train-00001-of-00002.jsonl'), '\n' + lines(rows.slice(FIXTURE_FIRST_FILE_ROWS)));
  const [first, second] = fixturePrs();
  writeFileSync(join(dir, 'prs.jsonl'), lines([...first, ...second].map(asJsonTextPr)));
  return dir;
}

describe('td sample on JSONL files', () => {
  it('samples the same trajectories from JSONL as from parquet files with the same rows', async () => {
    const dir = writeJsonlCopy();
    const parquet = await runSample({ count: 30, seed: 4 });
    const jsonl = await runSample({ count: 30, seed: 4, trajectories: join(dir, 'trajectories'), prs: join(dir, 'prs.jsonl') });
    // The turn drawn within a trajectory is seeded by its id, which names the file: only the turn may differ.
    const trajectoryPart = (items: typeof parquet.items) =>
      items.map((item) => {
        const { id, turn, messages, assistant, ...rest } = item.record as TurnRecord;
        void [id, turn, messages, assistant];
        return JSON.stringify({ ...rest, source: { ...rest.source, file: rest.source.file.replace(/\.\w+$/, '') } });
      });
    expect(trajectoryPart(jsonl.items)).toEqual(trajectoryPart(parquet.items));
    // Skips name the physical line (blank lines and CRLF counted as a reader would), not the row.
    expect(jsonl.errors.length).toBeGreaterThan(0);
    for (const entry of jsonl.errors) {
      const text = readFileSync(join(dir, 'trajectories', entry.source), 'utf8').split('\n');
      const row = (entry.record as TurnRecord).source.row;
      const nonBlank = text.flatMap((line, index) => (line.trim() === '' ? [] : [index + 1]));
      expect(entry.line).toBe(nonBlank[row]);
      expect(entry.line).not.toBe(row + 1);
    }
    const rows = fixtureTrajectories();
    for (const item of jsonl.items) {
      const record = item.record as TurnRecord;
      const row = rows[(record.source.file.startsWith('train-00000') ? 0 : FIXTURE_FIRST_FILE_ROWS) + record.source.row]!;
      expect(record.assistant).toBe(row.messages[record.turn]!.content);
      expect(record.messages).toEqual(row.messages.slice(0, record.turn));
    }
  });

  it('rejects a line that is not a JSON object with its exact line number, and goes on', async () => {
    const dir = writeJsonlCopy();
    const path = join(dir, 'broken.jsonl');
    const rows = fixtureTrajectories().slice(0, 5);
    // Lines: 1 row 0, 2 blank, 3 row 1, 4 broken, 5 row 2 ...
    writeFileSync(path, [JSON.stringify(rows[0]), '', JSON.stringify(rows[1]), '{"instance_id": "cut', ...rows.slice(2).map((row) => JSON.stringify(row))].join('\n') + '\n');
    const run = await runSample({ count: 1000, trajectories: path, prs: join(dir, 'prs.jsonl') });
    const broken = run.errors.filter((entry) => entry.reason === 'bad-trajectory');
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ kind: 'invalid', source: 'broken.jsonl', line: 4, raw: '{"instance_id": "cut' });
    expect(broken[0]!.error).toMatch(/^invalid JSON: /);
    expect(run.items.map((item) => item.line).sort((a, b) => a - b)).toEqual([1, 3, 5, 6, 7]);
    expect(run.items.map((item) => (item.record as TurnRecord).source.row).sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 5]);
    expect(run.stats.in).toBe(6);
  });

  it('rejects a row that breaks the trajectory shape as bad-trajectory, naming the field', async () => {
    const dir = writeJsonlCopy();
    const path = join(dir, 'shape.jsonl');
    const [row] = fixtureTrajectories();
    writeFileSync(path, JSON.stringify({ ...row, messages: [{ role: 'tool', content: 'x' }] }) + '\n');
    const run = await runSample({ count: 5, trajectories: path, prs: join(dir, 'prs.jsonl') });
    expect(run.items).toHaveLength(0);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatchObject({ reason: 'bad-trajectory', kind: 'invalid', line: 1 });
    expect(run.errors[0]!.error).toBe('messages.0.role: expected one of "system"|"user"|"assistant", got "tool" (string)');
  });

  it('rejects a PR row whose test list is neither a list nor JSON text of one as bad-pr', async () => {
    const dir = writeJsonlCopy();
    const [row] = fixtureTrajectories();
    const [[pr]] = fixturePrs();
    writeFileSync(join(dir, 'one.jsonl'), JSON.stringify(row) + '\n');
    writeFileSync(join(dir, 'bad-pr.jsonl'), JSON.stringify({ ...pr, FAIL_TO_PASS: 'tests/a.py::b, tests/c.py::d' }) + '\n');
    const run = await runSample({ count: 5, trajectories: join(dir, 'one.jsonl'), prs: join(dir, 'bad-pr.jsonl') });
    expect(run.errors.map((entry) => [entry.reason, entry.kind, entry.error])).toEqual([
      ['bad-pr', 'invalid', 'PR row of acme__widgets-101: FAIL_TO_PASS: expected a list of test ids, or a JSON string holding one, got "tests/a.py::b, tests/c.py::d" (string)'],
    ]);
  });
});

describe('td sample with a JSONL PR table', () => {
  it('reports every line of the PR table that is no PR row as bad-pr, with its file and line (exit 65, not a silent no-pr)', async () => {
    const dir = writeJsonlCopy();
    const [first, second] = fixturePrs();
    const prs = [...first, ...second].map(asJsonTextPr);
    const wanted = fixtureTrajectories()[0]!.instance_id;
    // Lines: 1 broken JSON, 2 an array, 3 no instance_id, 4 blank, 5.. the PRs, except the first trajectory's.
    const lines = ['{"instance_id": "cut', '[1, 2]', JSON.stringify({ problem_statement: 'x' }), '', ...prs.filter((pr) => pr.instance_id !== wanted).map((pr) => JSON.stringify(pr))];
    writeFileSync(join(dir, 'prs-broken.jsonl'), lines.join('\n') + '\n');
    const run = await runSample({ count: 20, trajectories: join(dir, 'trajectories'), prs: join(dir, 'prs-broken.jsonl') });
    const bad = run.errors.filter((entry) => entry.reason === 'bad-pr');
    expect(bad.map((entry) => [entry.kind, entry.source, entry.line, entry.raw])).toEqual([
      ['invalid', 'prs-broken.jsonl', 1, '{"instance_id": "cut'],
      ['invalid', 'prs-broken.jsonl', 2, '[1, 2]'],
      ['invalid', 'prs-broken.jsonl', 3, JSON.stringify({ problem_statement: 'x' })],
    ]);
    expect(bad.map((entry) => entry.error)).toEqual([
      expect.stringMatching(/^PR table: invalid JSON: /),
      'PR table: expected a JSON object, got an array',
      'PR table: instance_id: expected a non-empty string, got nothing',
    ]);
    expect(run.stats.byReason['bad-pr']).toBe(3);
  });

  it('indexes the PR table once, however many batches ask for PRs, and joins the same rows as parquet', async () => {
    const dir = writeJsonlCopy();
    const [first, second] = fixturePrs();
    // 57 of the 58 trajectories in windows of 1: some are skipped, so a second batch reads the last ones.
    const options = { count: 57, window: 1, seed: 3, trajectories: join(dir, 'trajectories') };
    const jsonl = await runSample({ ...options, prs: join(dir, 'prs.jsonl') });
    const parquet = await runSample({ ...options, prs: join(FIXTURES, 'prs-json-text') });
    expect(jsonl.stats.counters['trajectories read']).toBe(58); // so more than one batch of at most 57
    expect(jsonl.stats.counters['PR rows indexed']).toBe(first.length + second.length);
    expect(jsonl.items.map((item) => JSON.stringify(item.record))).toEqual(parquet.items.map((item) => JSON.stringify(item.record)));
  });
});

describe('td sample on parquet files without the trajectory columns', () => {
  it('stops before sampling with one line naming the missing column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-nocol-'));
    await writeParquet(join(dir, 'x.parquet'), { instance_id: 'VARCHAR', repo: 'VARCHAR' }, [{ instance_id: 'a__b-1', repo: 'a/b' }], 8);
    const error = await runSample({ trajectories: join(dir, 'x.parquet') }).catch((e: unknown) => e);
    expect((error as TdError).message).toBe(
      '--trajectories: x.parquet has no column messages (expected SWE-ZERO trajectories: instance_id, repo, messages, exit_status)',
    );
    expect((error as TdError).exitCode).toBe(65);
  });
});
