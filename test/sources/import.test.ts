import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { ScoredRecordSchema } from '../../src/contract/scored.js';
import { TurnRecordSchema } from '../../src/contract/turn.js';
import { runSource } from '../../src/core/source-stream.js';
import { TdError } from '../../src/core/td-error.js';
import { createImportSource, repoFromInstance } from '../../src/sources/import/import-source.js';
import { ImportOptionsSchema } from '../../src/sources/import/options.js';
import { parseJsonl, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { collectAll, testSession } from '../helpers/session.js';

const SEED = fileURLToPath(new URL('../fixtures/seed', import.meta.url));
const scratch = tempDir('td-import-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function importSeed(values: Record<string, unknown>) {
  const t = testSession({ stage: 'import' });
  const stage = await createImportSource(ImportOptionsSchema.parse({ dir: SEED, answers: 'answer_kimi', ...values }), t.runtime);
  const items = await collectAll(runSource(stage, t.runtime));
  return { items, records: items.map((item) => item.record as Record<string, any>), t, failures: t.errors.map((e) => `${e.source}:${e.line} ${e.kind}/${e.reason}: ${e.error}`) };
}

/** A copy of the fixture seed directory to change. */
function seedCopy(): string {
  const dir = join(scratch, `seed-${Math.random().toString(36).slice(2)}`);
  cpSync(SEED, dir, { recursive: true });
  return dir;
}

describe('td import', () => {
  test('turn records: prompts in file-number order and array order, joined with their commit', async () => {
    const { items, records, failures, t } = await importSeed({ as: 'turn' });
    expect(items.map((item) => `${item.source}:${item.line}`)).toEqual(['prompt/prompts_0.json:1', 'prompt/prompts_0.json:2', 'prompt/prompts_0.json:3', 'prompt/prompts_10.json:1']);
    expect(records.map((r) => [r.id, r.repo, r.turn])).toEqual([
      ['prompts_0_0', 'acme/widgets', 2],
      ['prompts_0_1', 'acme/widgets', 4],
      ['prompts_0_2', 'zeta/clock', 4],
      ['custom-id-7', 'zeta/clock', 4],
    ]);
    for (const record of records) expect(TurnRecordSchema.safeParse(record).success).toBe(true);
    expect(records[0]!.pr).toEqual({
      problem_statement: 'The parser drops the last token.',
      patch: expect.stringContaining('diff --git a/src/parser.py'),
      test_patch: 'diff --git a/tests/test_parser.py b/tests/test_parser.py\n',
      FAIL_TO_PASS: ['tests/test_parser.py::test_last'],
      PASS_TO_PASS: [],
      base_commit: '0123456789abcdef0123456789abcdef01234567',
      created_at: '2023-11-14T22:13:20.000Z',
      files: ['src/parser.py'],
    });
    expect(records[0]!.source).toEqual({ file: 'prompt/prompts_0.json', row: 0 });
    expect(failures).toEqual([
      'prompt/prompts_1.json:1 invalid/no-commit: no commit file commit/ghost__gone-1.json',
      'prompt/prompts_1.json:2 invalid/bad-prompt: messages: expected at least 2 messages (the system prompt and the task), got an array of 1',
    ]);
    expect([t.runtime.stats.in, t.runtime.stats.failed]).toEqual([6, 2]);
  });

  test('duel records add king and challenger from the chosen answer directory; a prompt without an answer is filtered', async () => {
    const { records, t } = await importSeed({ as: 'duel' });
    expect(records.map((r) => r.id)).toEqual(['prompts_0_0', 'prompts_0_1', 'prompts_0_2', 'custom-id-7']);
    expect(records[0]!.king).toBe('THOUGHT: List the tree.\n\n```bash\nls -R\n```');
    expect(records[0]!.challenger).toBe('THOUGHT: Search for the tokenizer.\n\n```bash\ngrep -rn tokenize src\n```');
    // The prompt's own reference wins over the answer file's.
    expect(records[0]!.assistant).toBe('THOUGHT: Find the parser.\n\n```bash\ngrep -rn "def tokenize" src\n```');
    expect(records[0]!.source).toEqual({ file: 'prompt/prompts_0.json', row: 0, answer: 'answer_kimi/prompts_0_0.json' });
    expect(t.errors.map((e) => e.reason)).toEqual(['no-commit', 'bad-prompt']);

    const dir = seedCopy();
    rmSync(join(dir, 'answer_kimi/prompts_0_2.json'));
    const partial = await importSeed({ dir, as: 'duel' });
    expect(partial.records.map((r) => r.id)).toEqual(['prompts_0_0', 'prompts_0_1', 'custom-id-7']);
    const filtered = partial.t.errors.find((e) => e.reason === 'no-answer')!;
    expect([filtered.kind, filtered.error, (filtered.record as { instance_id: string }).instance_id]).toEqual(['filtered', 'no answer file answer_kimi/prompts_0_2.json', 'zeta__clock-4']);
  });

  test('scored records carry the seed score and a judgement built from its verdicts', async () => {
    const { records, failures } = await importSeed({});
    expect(records.map((r) => [r.id, r.score])).toEqual([
      ['prompts_0_0', 75],
      ['prompts_0_1', null],
    ]);
    for (const record of records) expect(ScoredRecordSchema.safeParse(record).success).toBe(true);
    const judgement = records[0]!.judgement;
    expect(judgement).toMatchObject({ against: 'king', parsed: 3, total: 4, parsed_fraction: 0.75, preference: 0.75, flips: 1, source: 'seed' });
    expect(judgement.dimensions.challenger.correctness).toBe(7.5);
    expect(judgement.dimensions.king.efficiency).toBe(3.5);
    expect(judgement.verdicts[2]).toEqual({ judge: 'judge-b', order: 'king-first', status: 'abstained', error: 'the seed recorded no winner' });
    expect(judgement.lower_bound).toBeGreaterThanOrEqual(0.5);
    expect(judgement.lower_bound).toBeLessThanOrEqual(0.75);
    expect(records[1]!.judgement).toMatchObject({ verdicts: [], parsed: 0, total: 0, parsed_fraction: 0, preference: null, lower_bound: null });
    expect(failures).toEqual([
      'prompt/prompts_0.json:3 filtered/no-score: no score file score/prompts_0_2.json',
      'prompt/prompts_1.json:1 invalid/no-commit: no commit file commit/ghost__gone-1.json',
      'prompt/prompts_1.json:2 invalid/bad-prompt: messages: expected at least 2 messages (the system prompt and the task), got an array of 1',
      'prompt/prompts_10.json:1 invalid/bad-score: score/prompts_10_0.json: score: expected a number at most 100, got 140 (number)',
    ]);
  });

  test('names the file and field of a bad answer, and an answer for another instance', async () => {
    const dir = seedCopy();
    writeFileSync(join(dir, 'answer_kimi/prompts_0_0.json'), JSON.stringify({ instance_id: 'acme__widgets-17', king: 3, challenger: 'x' }));
    writeFileSync(join(dir, 'answer_kimi/prompts_0_1.json'), JSON.stringify({ instance_id: 'other__repo-1', king: 'k', challenger: 'c' }));
    writeFileSync(join(dir, 'answer_kimi/prompts_0_2.json'), '{"instance_id": ');
    const { failures } = await importSeed({ dir, as: 'duel' });
    expect(failures.slice(0, 3)).toEqual([
      'prompt/prompts_0.json:1 invalid/bad-answer: answer_kimi/prompts_0_0.json: king: expected string, got 3 (number)',
      'prompt/prompts_0.json:2 invalid/bad-answer: answer_kimi/prompts_0_1.json: instance_id: expected "acme__widgets-17" (the prompt\'s), got "other__repo-1"',
      expect.stringMatching(/^prompt\/prompts_0\.json:3 invalid\/bad-answer: answer_kimi\/prompts_0_2\.json: invalid JSON: /),
    ]);
  });

  test('a prompt file that is not a JSON array is one failure; the other files still import', async () => {
    const dir = seedCopy();
    writeFileSync(join(dir, 'prompt/prompts_1.json'), '{"instance_id": "x"}');
    const { records, failures } = await importSeed({ dir, as: 'turn' });
    expect(records).toHaveLength(4);
    expect(failures).toEqual([
      'prompt/prompts_1.json:0 invalid/bad-prompt-file: not a JSON array of prompts: Top-level object should be an array.; the rest of the file is not read (fix it and import again)',
    ]);
  });

  test('a prompt file cut short keeps its earlier prompts, and its one failure says the rest was not read', async () => {
    const dir = seedCopy();
    const text = readFileSync(join(dir, 'prompt/prompts_0.json'), 'utf8');
    const prompts = JSON.parse(text) as unknown[];
    writeFileSync(join(dir, 'prompt/prompts_0.json'), `[${JSON.stringify(prompts[0])}, ${JSON.stringify(prompts[1]).slice(0, 40)}`);
    const { records, failures } = await importSeed({ dir, as: 'turn' });
    expect(records.filter((record) => record.source.file === 'prompt/prompts_0.json').map((record) => record.id)).toEqual(['prompts_0_0']);
    const fromFile = failures.filter((failure) => failure.startsWith('prompt/prompts_0.json:'));
    expect(fromFile).toHaveLength(1);
    expect(fromFile[0]).toMatch(/^prompt\/prompts_0\.json:0 invalid\/bad-prompt-file: not a JSON array of prompts \(after item 0\): .*; the rest of the file is not read \(fix it and import again\)$/);
  });

  test('stops reading at the stop signal (Ctrl-C): what was read is kept, nothing more is read', async () => {
    const t = testSession({ stage: 'import' });
    const source = await createImportSource(ImportOptionsSchema.parse({ dir: SEED, as: 'turn' }), t.runtime);
    const seen: string[] = [];
    for await (const item of runSource(source, t.runtime)) {
      seen.push(String(item.record.id));
      t.stop.abort();
    }
    expect(seen).toEqual(['prompts_0_0']);
    expect(t.runtime.stats.in).toBe(1);
  });

  test('configuration problems stop it before any record: several answer directories, a missing one, no prompt/', async () => {
    const t = testSession({ stage: 'import' });
    const open = (values: Record<string, unknown>) => createImportSource(ImportOptionsSchema.parse({ dir: SEED, ...values }), t.runtime);
    await expect(open({})).rejects.toThrow(new TdError(`${SEED} has several answer directories (answer_kimi, answer_old): choose one with --answers`, 64, 'usage'));
    await expect(open({ answers: 'answer_new' })).rejects.toThrow(`--answers answer_new: no such answer directory in ${SEED} (it has: answer_kimi, answer_old)`);
    const empty = join(scratch, 'empty');
    mkdirSync(empty, { recursive: true });
    await expect(open({ dir: empty })).rejects.toThrow(`${empty} has no prompt/ directory: expected prompt/prompts_*.json (see docs/run.md, "td import")`);
    await expect(open({ dir: join(scratch, 'nope') })).rejects.toThrow(`cannot read seed directory ${join(scratch, 'nope')}: no such directory`);
  });

  test('derives the repo from a SWE-bench instance id', () => {
    expect(repoFromInstance('psf__requests-2317')).toBe('psf/requests');
    expect(repoFromInstance('my_org__my__repo-12')).toBe('my_org/my__repo');
    expect(repoFromInstance('noseparator')).toBe('');
  });

  test('as a command: td import DIR writes JSONL, sums up, and exits 65 for the invalid prompts', async () => {
    const result = await runCli(['import', SEED, '--answers', 'answer_kimi', '--as', 'duel']);
    expect(result.code).toBe(65);
    expect(parseJsonl(result.stdout).map((r) => r.id)).toEqual(['prompts_0_0', 'prompts_0_1', 'prompts_0_2', 'custom-id-7']);
    expect(result.stderr).toContain(`td import: importing 3 prompt files from ${SEED} as duel records (answers from answer_kimi/)`);
    expect(result.stderr).toContain('td import: in 6, out 4, failed 2 (no-commit 1, bad-prompt 1)');
  });

  test('follows no symbolic link out of the imported directory, and quotes none of its bytes', async () => {
    const dir = seedCopy();
    const secret = join(scratch, `secret-${Math.random().toString(36).slice(2)}`);
    writeFileSync(secret, '-----BEGIN OPENSSH PRIVATE KEY----- SECRET-BYTES-7f3a');
    rmSync(join(dir, 'commit', 'acme__widgets-17.json'));
    symlinkSync(secret, join(dir, 'commit', 'acme__widgets-17.json'));
    rmSync(join(dir, 'score', 'prompts_10_0.json'));
    symlinkSync(secret, join(dir, 'score', 'prompts_10_0.json'));
    symlinkSync(secret, join(dir, 'prompt', 'prompts_5.json'));
    // A link that stays inside the directory is followed as before.
    const inside = join(dir, 'answer_kimi', 'kept.json');
    writeFileSync(inside, readFileSync(join(SEED, 'answer_kimi', 'prompts_10_0.json')));
    rmSync(join(dir, 'answer_kimi', 'prompts_10_0.json'));
    symlinkSync(inside, join(dir, 'answer_kimi', 'prompts_10_0.json'));

    const errors = join(dir, 'errors.jsonl');
    const result = await runCli(['import', dir, '--answers', 'answer_kimi', '--as', 'scored', '--errors', errors]);
    expect(result.code).toBe(65);
    const everything = result.stdout + result.stderr + readFileSync(errors, 'utf8');
    expect(everything).not.toContain('SECRET-BYTES');
    expect(everything).not.toContain('PRIVATE KEY');
    const entries = readFileSync(errors, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { source: string; reason: string; error: string });
    const outside = 'a symbolic link out of the imported directory (not followed, not read)';
    expect(entries.filter((e) => e.error.includes(outside)).map((e) => `${e.source} ${e.reason}: ${e.error}`)).toEqual([
      `prompt/prompts_0.json bad-commit: commit/acme__widgets-17.json: ${outside}`,
      `prompt/prompts_0.json bad-commit: commit/acme__widgets-17.json: ${outside}`,
      `prompt/prompts_5.json bad-prompt-file: prompt/prompts_5.json: ${outside}`,
      `prompt/prompts_10.json bad-score: score/prompts_10_0.json: ${outside}`,
    ]);
    // The answer linked inside the directory was read: its record got as far as the score.
    expect(entries.some((e) => e.source === 'prompt/prompts_10.json' && e.reason === 'bad-answer')).toBe(false);
  });

  test('a directory it would list that links out of the imported one stops it before any record (66)', async () => {
    const dir = seedCopy();
    const elsewhere = join(scratch, `scores-${Math.random().toString(36).slice(2)}`);
    cpSync(join(dir, 'score'), elsewhere, { recursive: true });
    rmSync(join(dir, 'score'), { recursive: true });
    symlinkSync(elsewhere, join(dir, 'score'));
    const result = await runCli(['import', dir, '--answers', 'answer_kimi']);
    expect(result.code).toBe(66);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`td import: ${join(dir, 'score')} is a symbolic link out of ${dir}: td import does not follow links out of the directory it imports\n`);
  });
});
