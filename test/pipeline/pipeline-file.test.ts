import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { STAGES } from '../../src/pipeline/registry.js';
import { TdError } from '../../src/core/td-error.js';
import { loadPipeline, type PipelineArgs } from '../../src/pipeline/pipeline-file.js';
import { tempDir } from '../helpers/llm.js';

const dir = tempDir('td-pipeline-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

function pipelineFile(text: string): string {
  const path = join(dir, `p${counter++}.toml`);
  writeFileSync(path, text);
  return path;
}

/** The TdError a pipeline file gives: its exit code and its lines. */
function problems(text: string, args: PipelineArgs = {}): { code: number; lines: string[]; file: string } {
  const file = pipelineFile(text);
  try {
    loadPipeline(file, STAGES, args);
  } catch (error) {
    if (!(error instanceof TdError)) throw error;
    return { code: error.exitCode, lines: error.message.split('\n'), file };
  }
  throw new Error('expected the pipeline file to be rejected');
}

describe('pipeline files', () => {
  it('parses each table with its stage schema, in file order, keys in kebab-case, snake_case or camelCase', () => {
    const file = pipelineFile(
      ['[sample]', 'trajectories = "t"', 'prs = "p"', 'turns-per-trajectory = 2', '[king]', 'max_tokens = 100', '[challenge]', 'maxTokens = 200', 'reject-leaks = true', '[judge]', 'judges = ["rules"]', '[report]', 'out = "o"'].join('\n'),
    );
    const pipeline = loadPipeline(file, STAGES);
    expect(pipeline.stages.map((s) => s.spec.name)).toEqual(['sample', 'king', 'challenge', 'judge', 'report']);
    const [sample, king, challenge, judge, report] = pipeline.stages.map((s) => s.options as Record<string, unknown>);
    expect(sample).toMatchObject({ trajectories: 't', prs: 'p', turnsPerTrajectory: 2, count: 2000 });
    expect(king).toMatchObject({ maxTokens: 100, model: 'moonshotai/Kimi-K2.6-TEE' });
    expect(challenge).toMatchObject({ maxTokens: 200, rejectLeaks: true });
    expect(judge).toMatchObject({ judges: [{ model: 'td/rules' }] });
    expect(report).toMatchObject({ out: 'o', finalMin: 80 });
    expect(pipeline.common).toMatchObject({ grace: 10, progress: 'auto', quiet: false });
  });

  it('names the file, line and key of a bad value, with the rule and the value', () => {
    const { code, lines, file } = problems(['[king]', 'model = "m"', '', '[judge]', 'judges = ["rules"]', 'min-parsed = 2'].join('\n'));
    expect(code).toBe(78);
    expect(lines).toEqual([`${file}:6: [judge] min-parsed: expected a number from 0 to 1, got 2 (number)`]);
  });

  it('rejects unknown keys and tables with the valid ones, and lists every problem in file order', () => {
    const { code, lines, file } = problems(['[sample]', 'count = 0', 'windw = 3', '[kingg]', '[king]', 'attempts = "x"'].join('\n'));
    expect(code).toBe(78);
    expect(lines[0]).toBe(`${file}:2: [sample] count: expected an integer from 1 and up, got 0 (number)`);
    expect(lines[1]).toBe(
      `${file}:3: [sample] windw: unknown key; valid keys: trajectories, prs, count, seed, window, turns-per-trajectory, exclude, max-patch-bytes, shard, concurrency, cache-dir, extension-dir, install-extensions`,
    );
    expect(lines[2]).toBe(`${file}:4: [kingg]: unknown table; expected one of run, llm, sample, import, king, challenge, judge, report, validate, duel (= report)`);
    expect(lines[3]).toBe(`${file}:6: [king] attempts: expected an integer from 1 to 20, got "x" (string)`);
    expect(lines).toHaveLength(4);
  });

  it('points a missing required key at its table header', () => {
    const { lines, file } = problems(['[king]', '', '[report]', 'final-min = 90'].join('\n'));
    expect(lines).toEqual([`${file}:3: [report] out: missing (expected a non-empty string)`]);
  });

  it('takes the seed\'s [duel] table as td report\'s, and a key set in both is an error', () => {
    const file = pipelineFile(['[judge]', 'judges = ["rules"]', '[duel]', 'min-margin = 0.05', 'out = "o"'].join('\n'));
    const pipeline = loadPipeline(file, STAGES);
    expect(pipeline.stages.map((s) => s.spec.name)).toEqual(['judge', 'report']);
    expect(pipeline.stages[1]!.options).toMatchObject({ minMargin: 0.05, out: 'o' });
    const both = problems(['[report]', 'out = "a"', '[duel]', 'out = "b"'].join('\n'));
    expect(both.lines).toEqual([`${both.file}:4: [duel] out: set twice (also as ${both.file}:2: [report] out)`]);
  });

  it("takes the seed's chain.toml [judge] models (with per-judge token limits) as td judge's judges", () => {
    const file = pipelineFile(['[judge]', 'models = ["a", { model = "b", max_tokens = 32768 }]', 'max-tokens = 8000'].join('\n'));
    expect(loadPipeline(file, STAGES).stages[0]!.options).toMatchObject({ judges: [{ model: 'a' }, { model: 'b', max_tokens: 32768 }], maxTokens: 8000 });
    const bad = problems(['[judge]', 'models = []'].join('\n'));
    expect(bad.lines).toEqual([`${bad.file}:2: [judge] models: expected at least one judge, got an array of 0`]);
  });

  it('applies [llm] to every LLM stage, not to td sample (whose concurrency is its own), and a stage table wins', () => {
    const file = pipelineFile(['[llm]', 'concurrency = 3', 'base-url = "http://127.0.0.1:9/v1"', '[sample]', '[king]', 'concurrency = 5', '[challenge]', '[judge]'].join('\n'));
    const [sample, king, challenge, judge] = loadPipeline(file, STAGES).stages.map((s) => s.options as Record<string, unknown>);
    expect(sample!.concurrency).toBe(2);
    expect(king).toMatchObject({ concurrency: 5, baseUrl: 'http://127.0.0.1:9/v1' });
    expect(challenge).toMatchObject({ concurrency: 3, baseUrl: 'http://127.0.0.1:9/v1' });
    expect(judge).toMatchObject({ concurrency: 3 });
    const bad = problems(['[llm]', 'rpm = -1', '[king]', '[challenge]'].join('\n'));
    // One line for the one bad value, though two stages take it.
    expect(bad.lines).toEqual([`${bad.file}:2: [llm] rpm: expected an integer from 1 and up, got -1 (number)`]);
  });

  it('overrides with --set, validated the same way, and names the --set in its errors (exit 64)', () => {
    const text = ['[sample]', 'count = 10', '[king]'].join('\n');
    const file = pipelineFile(text);
    const pipeline = loadPipeline(file, STAGES, { sets: ['sample.count=20', 'sample.count=30', 'king.max_tokens=7', 'run.grace=2'] });
    expect(pipeline.stages[0]!.options).toMatchObject({ count: 30 });
    expect(pipeline.stages[1]!.options).toMatchObject({ maxTokens: 7 });
    expect(pipeline.common.grace).toBe(2);

    const bad = problems(text, { sets: ['sample.count=abc', 'judge.judges=rules', 'king.modle=x', 'oops'] });
    expect(bad.code).toBe(64);
    expect(bad.lines).toEqual([
      `--set judge.judges=rules: ${bad.file} has no [judge] stage (its stages: sample, king)`,
      '--set king.modle=x: unknown key modle for [king]; valid keys: base-url, api-key-env, concurrency, rpm, tpm, timeout, retries, max-retry-wait, max-reply-bytes, cache, cache-salt, prices, max-cost, model, max-tokens, temperature, attempts, exclude',
      '--set oops: expected TABLE.KEY=VALUE (e.g. judge.max-tokens=4096)',
      '--set sample.count=abc: expected an integer from 1 and up, got "abc" (string)',
    ]);
  });

  it("lets td run's flags win over [run], and names the flag in its errors", () => {
    const file = pipelineFile(['[run]', 'grace = 3', 'errors = "e.jsonl"', '[king]'].join('\n'));
    const pipeline = loadPipeline(file, STAGES, { flags: { grace: '5', errors: undefined } });
    expect(pipeline.common).toMatchObject({ grace: 5, errors: 'e.jsonl' });
    const bad = problems(['[king]'].join('\n'), { flags: { progress: 'loud' }, flagNames: { progress: '--progress' } });
    expect(bad.lines).toEqual(['--progress: expected one of auto|bars|lines|off, got "loud" (string)']);
  });

  it('wants a source first and a sink last', () => {
    const { lines, file } = problems(['[report]', 'out = "o"', '[king]', '[sample]'].join('\n'));
    expect(lines).toEqual([
      `${file}:1: [report]: report consumes records, so its table must come last (it comes before [king])`,
      `${file}:4: [sample]: sample produces records, so its table must come first (it comes after [king])`,
    ]);
  });

  it('reports TOML syntax errors with line and column, a file with no stage, and a missing file', () => {
    const syntax = problems('[king]\nmodel = \n');
    expect(syntax.lines).toEqual([`${syntax.file}:2:9: invalid TOML: invalid value`]);
    const empty = problems('# nothing\n[run]\ngrace = 1\n');
    expect(empty.lines).toEqual([`${empty.file}:1: no stage tables; expected at least one of sample, import, king, challenge, judge, report, validate`]);
    expect(() => loadPipeline(join(dir, 'missing.toml'), STAGES)).toThrow(new TdError(`cannot read pipeline file ${join(dir, 'missing.toml')}: no such file or directory`, 66, 'no-input'));
  });

  it('reads the committed pipelines (their options are valid as they stand)', () => {
    const demo = loadPipeline('pipelines/demo.toml', STAGES);
    expect(demo.stages.map((s) => [s.spec.name, (s.options as { model?: string }).model])).toEqual([
      ['sample', undefined],
      ['king', 'td/replay'],
      ['challenge', 'td/repair'],
      ['judge', undefined],
      ['report', undefined],
    ]);
    const real = loadPipeline('pipelines/swe-zero.toml', STAGES);
    expect(real.stages.map((s) => s.spec.name)).toEqual(['sample', 'king', 'challenge', 'judge', 'report']);
    expect(real.stages[3]!.options).toMatchObject({ judges: [{ model: 'deepseek-ai/DeepSeek-V3.2-TEE' }, { model: 'Qwen/Qwen3-235B-A22B-Thinking-2507-TEE', max_tokens: 32768 }, { model: 'moonshotai/Kimi-K2.6-TEE' }], maxTokens: 16384 });
    expect(real.stages[4]!.options).toMatchObject({ finalMin: 80, defeatMin: 66, minMargin: 0, minParsedFraction: 0.8 });
  });
});
