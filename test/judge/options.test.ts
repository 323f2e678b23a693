import { describe, expect, test } from 'vitest';
import { parseFlags } from '../../src/cli/run-stage.js';
import { TdError } from '../../src/core/td-error.js';
import { DEFAULT_JUDGES, JUDGE_FLAGS, JudgeOptionsSchema } from '../../src/transforms/judge/options.js';

const parse = (values: Record<string, unknown>) => parseFlags(JudgeOptionsSchema, values, JUDGE_FLAGS);
const message = (values: Record<string, unknown>): string => {
  try {
    parse(values);
  } catch (error) {
    expect(error).toBeInstanceOf(TdError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('td judge options', () => {
  test('defaults: the three-family panel, both sides of every default documented', () => {
    const options = parse({});
    expect(options.judges).toEqual(DEFAULT_JUDGES.map((model) => ({ model })));
    expect(DEFAULT_JUDGES).toEqual(['deepseek-ai/DeepSeek-V3.2-TEE', 'Qwen/Qwen3-235B-A22B-Thinking-2507-TEE', 'moonshotai/Kimi-K2.6-TEE']);
    expect(options).toMatchObject({ maxTokens: 16384, attempts: 2, against: 'king', minParsed: 0.5, goldPatch: true, structured: true, abstainOnFailure: false, bootstrap: 1000, historyChars: 48000 });
    expect(options.temperature).toBeUndefined();
  });

  test('--judges takes a comma list with per-judge settings after @, and "rules" for the rules judge', () => {
    const options = parse({ judges: 'a/b-TEE, qwen@max_tokens=32768@temperature=0.6 ,llama3:8b, rules' });
    expect(options.judges).toEqual([{ model: 'a/b-TEE' }, { model: 'qwen', max_tokens: 32768, temperature: 0.6 }, { model: 'llama3:8b' }, { model: 'td/rules' }]);
  });

  test('a pipeline file may give names or {model, max_tokens, temperature} tables', () => {
    const options = JudgeOptionsSchema.parse({ judges: ['x', { model: 'y', max_tokens: 100 }, { model: 'z', maxTokens: 5, temperature: 0 }] });
    expect(options.judges).toEqual([{ model: 'x' }, { model: 'y', max_tokens: 100 }, { model: 'z', max_tokens: 5, temperature: 0 }]);
  });

  test('bad values are one line that names the flag', () => {
    expect(message({ judges: 'a,a' })).toBe('--judges.1: judge "a" is listed twice, got "a" (string)');
    expect(message({ judges: 'rules,td/rules' })).toBe('--judges.1: judge "td/rules" is listed twice, got "td/rules" (string)');
    expect(message({ judges: 'a@max_tokens=0' })).toBe('--judges.0.max_tokens: expected an integer from 1 and up, got 0 (number)');
    expect(message({ judges: 'a@top_p=1' })).toBe('--judges.0: unknown key "top_p", got an object');
    expect(message({ judges: ' , ' })).toBe('--judges: expected at least one judge, got an array of 0');
    expect(message({ against: 'gold' })).toBe('--against: expected king or reference, got "gold" (string)');
    expect(message({ minParsed: '1.5' })).toBe('--min-parsed: expected a number from 0 to 1, got 1.5 (number)');
  });

  test('--no-gold-patch and --no-structured turn those off', () => {
    expect(parse({ goldPatch: false, structured: false })).toMatchObject({ goldPatch: false, structured: false });
  });
});
