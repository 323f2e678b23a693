import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureTrajectories } from '../../scripts/fixture-rows.js';
import { FIXTURE_FIRST_FILE_ROWS, FIXTURE_FILES } from '../../scripts/fixtures.js';
import { TurnRecordSchema, type TurnRecord } from '../../src/contract/turn.js';
import { FIXTURES, runSample, serialise } from './helpers.js';

const rows = fixtureTrajectories();
const FILE0 = FIXTURE_FILES.trajectories[0].split('/')[1]!;
const FILE1 = FIXTURE_FILES.trajectories[1].split('/')[1]!;
/** The generator's own row for a record's source: the ground truth the sample must reproduce. */
function datasetRow(file: string, row: number) {
  const index = file === FILE0 ? row : file === FILE1 ? FIXTURE_FIRST_FILE_ROWS + row : -1;
  return rows[index]!;
}
const records = (items: Array<{ record: unknown }>) => items.map((item) => item.record as TurnRecord);

describe('td sample on the fixtures', () => {
  it('emits the dataset turn as the reference and exactly the messages before it as the history', async () => {
    const run = await runSample({ count: 40 });
    expect(run.items).toHaveLength(40);
    for (const record of records(run.items)) {
      expect(TurnRecordSchema.safeParse(record).success).toBe(true);
      const row = datasetRow(record.source.file, record.source.row);
      expect(record.instance_id).toBe(row.instance_id);
      expect(record.repo).toBe(row.repo);
      expect(record.source.exit_status).toBe(row.exit_status);
      expect(record.messages).toEqual(row.messages.slice(0, record.turn));
      expect(row.messages[record.turn]!.role).toBe('assistant');
      expect(record.assistant).toBe(row.messages[record.turn]!.content);
      expect(record.id).toBe(`${record.source.file}:${record.source.row}:t${record.turn}`);
    }
  });

  it('gives unique ids and the same bytes for the same arguments, another sample for another seed', async () => {
    const first = await runSample({ count: 30, seed: 7 });
    const again = await runSample({ count: 30, seed: 7 });
    const other = await runSample({ count: 30, seed: 8 });
    const ids = records(first.items).map((record) => record.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(serialise(again.items)).toBe(serialise(first.items));
    expect(serialise(other.items)).not.toBe(serialise(first.items));
  });

  it('keeps the reading order independent of the window reads in flight', async () => {
    const one = await runSample({ count: 30, seed: 3, concurrency: 1 });
    const four = await runSample({ count: 30, seed: 3, concurrency: 4 });
    expect(serialise(four.items)).toBe(serialise(one.items));
  });

  it('accounts for every trajectory it considered: emitted, or in the errors sink with a reason', async () => {
    const exclude = join(mkdtempSync(join(tmpdir(), 'td-exclude-')), 'exclude.txt');
    writeFileSync(exclude, '# instances left out\nacme__widgets-102   # six rollouts\n\n');
    const run = await runSample({ count: 10_000, maxPatchBytes: 4096, exclude });
    const emittedTrajectories = new Set(records(run.items).map((record) => `${record.source.file}:${record.source.row}`));
    expect(run.stats.in).toBe(emittedTrajectories.size + run.errors.length);
    expect(run.stats.in).toBe(rows.length);
    expect(run.stats.byReason).toEqual({ 'no-pr': 4, 'no-turn': 1, 'oversized-pr': 5, excluded: 6 });
    const ghost = run.errors.filter((entry) => entry.reason === 'no-pr');
    expect(ghost.map((entry) => (entry.record as TurnRecord).instance_id)).toEqual(Array(4).fill('ghost__missing-7'));
    for (const entry of run.errors) {
      expect(entry.kind).toBe('filtered');
      const record = entry.record as TurnRecord;
      expect(entry.id).toBe(`${record.source.file}:${record.source.row}`);
      expect(entry.source).toBe(record.source.file);
      expect(entry.line).toBe(record.source.row + 1);
    }
    expect(run.errors.find((entry) => entry.reason === 'oversized-pr')?.error).toMatch(/^the PR patch of big__patch-5 is \d+ bytes, over --max-patch-bytes 4096$/);
    expect(run.logs.at(-1)).toMatch(/^warning: the data holds only \d+ turns that pass the filters; asked for 10000$/);
  });

  it('keeps one PR row per instance: the newest created_at, the first in file order on a tie', async () => {
    const run = await runSample({ count: 10_000 });
    const byInstance = new Map(records(run.items).map((record) => [record.instance_id, record.pr]));
    expect(byInstance.get('acme__widgets-101')?.created_at).toBe('2024-05-15T12:30:00.000Z');
    expect(byInstance.get('acme__widgets-101')?.problem_statement).not.toMatch(/OLD ROW/);
    expect(byInstance.get('dup__same-time-3')?.problem_statement).not.toMatch(/SECOND ROW/);
    expect(byInstance.get('rsteube__carapace-849')?.files).toEqual(['example/cmd/injection.go', 'example/cmd/root.go', 'example/cmd/new_name.go']);
    expect(byInstance.get('acme__widgets-102')?.files).toEqual(['src/widgets/render.py', 'docs/user guide.md']);
  });

  it('reads test lists given as JSON text and epoch dates the same as lists and timestamps', async () => {
    const lists = await runSample({ count: 25, seed: 5 });
    const text = await runSample({ count: 25, seed: 5, prs: `${FIXTURES}/prs-json-text` });
    expect(serialise(text.items)).toBe(serialise(lists.items));
    expect(records(lists.items).some((record) => (record.pr.PASS_TO_PASS ?? []).length === 2)).toBe(true);
  });

  it('draws up to K distinct turns per trajectory, in ascending order', async () => {
    const run = await runSample({ count: 10_000, turnsPerTrajectory: 3 });
    const byTrajectory = new Map<string, number[]>();
    for (const record of records(run.items)) {
      const key = `${record.source.file}:${record.source.row}`;
      byTrajectory.set(key, [...(byTrajectory.get(key) ?? []), record.turn]);
    }
    for (const [key, turns] of byTrajectory) {
      const [file, row] = [key.slice(0, key.lastIndexOf(':')), Number(key.slice(key.lastIndexOf(':') + 1))];
      const messages = datasetRow(file, row).messages;
      const eligible = messages.flatMap((m, i) => (i >= 2 && m.role === 'assistant' && messages[i - 1]!.role === 'user' ? [i] : []));
      expect(turns).toHaveLength(Math.min(3, eligible.length));
      expect([...turns].sort((a, b) => a - b)).toEqual(turns);
      for (const turn of turns) expect(eligible).toContain(turn);
    }
  });

  it('splits the sample into disjoint shards whose union is the unsharded sample, in the same order', async () => {
    const whole = await runSample({ count: 35, seed: 11 });
    const shards = await Promise.all([1, 2, 3].map((index) => runSample({ count: 35, seed: 11, shard: `${index}/3` })));
    const ids = shards.map((run) => records(run.items).map((record) => record.id));
    expect(ids.every((list) => list.length > 0)).toBe(true);
    const union = ids.flat();
    expect(new Set(union).size).toBe(union.length);
    const wholeIds = records(whole.items).map((record) => record.id);
    expect(new Set(union)).toEqual(new Set(wholeIds));
    for (const list of ids) expect(list).toEqual(wholeIds.filter((id) => list.includes(id)));
    expect(shards.reduce((sum, run) => sum + run.stats.in, 0)).toBe(whole.stats.in);
    expect(shards.reduce((sum, run) => sum + run.errors.length, 0)).toBe(whole.errors.length);
  });

  it('stops at the next trajectory when the stop signal fires, keeping what it emitted', async () => {
    const stop = new AbortController();
    let seen = 0;
    const run = await runSample({ count: 40 }, { stop, onItem: () => void (++seen === 3 && stop.abort()) });
    expect(run.items).toHaveLength(3);
  });
});
