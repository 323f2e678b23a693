import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ScoredRecordSchema } from '../../src/contract/scored.js';
import { withoutVolatile } from '../../src/contract/meta.js';
import { createJudgeStage, JudgeOptionsSchema } from '../../src/transforms/judge.js';
import { identicalTurns } from '../../src/transforms/judge/identical.js';
import { PrefixCache, SIM_PANEL, scripts, startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { KING_TURN, blockOf, duelRecord, judgeScript, prefers, verdictReply, type JudgeCall } from '../helpers/judge.js';
import { tempDir } from '../helpers/llm.js';
import { testSession } from '../helpers/session.js';
import { runRecords } from '../helpers/stage.js';

let server: ChatServer;
afterEach(async () => server?.close());

function judge(values: Record<string, unknown> = {}, session = testSession({ stage: 'judge' })) {
  const options = JudgeOptionsSchema.parse({ baseUrl: server?.url, cache: false, maxRetryWait: 0.01, judges: 'deepseek,qwen,kimi', attempts: 1, ...values });
  return { stage: createJudgeStage(options, session.runtime), t: session };
}

/** Answers each (judge, order) from a table: `deepseek:king-first` -> the challenger's outcome there. */
function outcomes(table: Record<string, 'win' | 'loss' | 'tie'>) {
  return judgeScript((call: JudgeCall) => {
    const order = call.challengerAt === 'A' ? 'challenger-first' : 'king-first';
    const outcome = table[`${call.model}:${order}`]!;
    const kingAt = call.challengerAt === 'A' ? 'B' : 'A';
    return verdictReply(outcome === 'tie' ? 'tie' : outcome === 'win' ? call.challengerAt : kingAt);
  });
}

const CLEAR_DEFEAT = {
  'deepseek:king-first': 'loss',
  'deepseek:challenger-first': 'loss',
  'qwen:king-first': 'loss',
  'qwen:challenger-first': 'win',
  'kimi:king-first': 'win',
  'kimi:challenger-first': 'win',
} as const;

function pairsAsked(): string[] {
  return server.chatRequests().map((r) => `${r.body!.model}:${blockOf(r.body!, 'CANDIDATE A')!.includes('CHALLENGER') ? 'challenger-first' : 'king-first'}`);
}

describe('td judge --panel', () => {
  test('adaptive (the default) asks judge-order by judge-order and stops once no verdict left could change the bucket', async () => {
    server = await startChatServer({ script: outcomes(CLEAR_DEFEAT) });
    const { stage, t } = judge();
    const [out] = await runRecords(stage, [duelRecord(0)], t.runtime);
    // Three losses: even three wins to come would leave 50 < 66, a defeat.
    expect(pairsAsked()).toEqual(['deepseek:king-first', 'deepseek:challenger-first', 'qwen:king-first']);
    expect(out!.score).toBe(0);
    expect(out!.judgement).toMatchObject({ panel: 'adaptive', asked: 3, of: 6, stopped: 'settled', parsed: 3, total: 3, full_score: { min: 0, max: 50 } });
    expect(out!.judgement.preference_estimate).toBeGreaterThan(0);
    expect(out!.judgement.preference_estimate).toBeLessThan(0.25);
    expect(out!.meta.judge.calls).toHaveLength(3);
    expect(ScoredRecordSchema.safeParse(out).success).toBe(true);
    expect(t.logs.join('\n')).toContain('3 of 6 verdicts asked');
  });

  test('full asks every judge in both orders and records the same fields for the whole panel', async () => {
    server = await startChatServer({ script: outcomes(CLEAR_DEFEAT) });
    const { stage, t } = judge({ panel: 'full' });
    const [out] = await runRecords(stage, [duelRecord(0)], t.runtime);
    expect(server.chatRequests()).toHaveLength(6);
    expect(out!.score).toBe(50);
    expect(out!.judgement).toMatchObject({ panel: 'full', asked: 6, of: 6, stopped: 'complete' });
    expect(out!.judgement).not.toHaveProperty('full_score');
    expect(out!.judgement).not.toHaveProperty('preference_estimate');
  });

  test('confident stops after the first judge when the posterior says the bucket is all but certain', async () => {
    server = await startChatServer({ script: outcomes(CLEAR_DEFEAT) });
    const { stage, t } = judge({ panel: 'confident', agreement: 0.98 });
    const [out] = await runRecords(stage, [duelRecord(0)], t.runtime);
    expect(pairsAsked()).toEqual(['deepseek:king-first', 'deepseek:challenger-first']);
    expect(out!.judgement).toMatchObject({ panel: 'confident', asked: 2, of: 6, stopped: 'confident', full_score: { min: 0, max: 66.6667 } });
  });

  test('a rerun with --panel full over the same cache asks only the verdicts the adaptive run did not', async () => {
    server = await startChatServer({ script: outcomes(CLEAR_DEFEAT) });
    const cache = tempDir();
    const records = [duelRecord(0), duelRecord(1)];
    const adaptive = judge({ cache });
    await runRecords(adaptive.stage, records, adaptive.t.runtime);
    expect(server.chatRequests()).toHaveLength(6);
    server.reset();
    const full = judge({ cache, panel: 'full' });
    const out = await runRecords(full.stage, records, full.t.runtime);
    expect(server.chatRequests()).toHaveLength(6);
    expect(pairsAsked().filter((pair) => pair.startsWith('deepseek'))).toEqual([]);
    expect(out.map((r) => r.judgement.asked)).toEqual([6, 6]);
    // The same data as a full run on a fresh cache.
    server.reset();
    const fresh = judge({ panel: 'full' });
    const again = await runRecords(fresh.stage, records, fresh.t.runtime);
    expect(again.map((r) => withoutVolatile(r))).toEqual(out.map((r) => withoutVolatile(r)));
  });

  test('identical candidates are a tie asked of no judge; --panel full still asks', async () => {
    server = await startChatServer({ script: judgeScript(prefers('challenger')) });
    const same = duelRecord(0, { challenger: `${KING_TURN.replace('THOUGHT: Let me', 'THOUGHT:   let me')}\n` });
    const { stage, t } = judge();
    const [out] = await runRecords(stage, [same], t.runtime);
    expect(server.chatRequests()).toHaveLength(0);
    expect(out!.score).toBe(50);
    expect(out!.judgement).toMatchObject({ verdicts: [], parsed: 0, total: 0, parsed_fraction: 1, preference: 0.5, lower_bound: 0.5, panel: 'adaptive', asked: 0, of: 6, stopped: 'identical' });
    expect(out!.meta.judge).toMatchObject({ calls: [], prompt_tokens: 0 });
    expect(ScoredRecordSchema.safeParse(out).success).toBe(true);
    expect(t.logs.join('\n')).toContain('1 identical turn (a tie, no judge asked)');
    const full = judge({ panel: 'full' });
    await runRecords(full.stage, [same], full.t.runtime);
    expect(server.chatRequests()).toHaveLength(6);
  });

  test('--final-min below --defeat-min is refused with the reason', () => {
    expect(() => JudgeOptionsSchema.parse({ finalMin: 50, defeatMin: 60 })).toThrow(/expected a score of at least --defeat-min \(60\)/);
  });
});

describe('identical candidates: the normalisation', () => {
  const turn = (thought: string, command: string): string => `THOUGHT: ${thought}\n\n\`\`\`bash\n${command}\n\`\`\``;
  test.each([
    ['spacing, line breaks and case of the reasoning', turn('Read  the\nparser.', 'cat src/p.py'), turn('read the parser.', 'cat src/p.py'), true],
    ['trailing spaces and blank edge lines of the command', turn('x', 'cat src/p.py   '), turn('x', '\ncat src/p.py'), true],
    ['full-width letters (NFKC)', turn('Ｒead it', 'ls'), turn('read it', 'ls'), true],
    ['another command', turn('x', 'cat src/p.py'), turn('x', 'cat src/q.py'), false],
    ['spacing inside the command (it can matter)', turn('x', 'grep "a  b" f'), turn('x', 'grep "a b" f'), false],
    ['case inside the command', turn('x', 'grep -i X f'), turn('x', 'grep -i x f'), false],
    ['other reasoning', turn('read the parser', 'ls'), turn('read the lexer', 'ls'), false],
    ['a second block', turn('x', 'ls'), `${turn('x', 'ls')}\n\n\`\`\`bash\npwd\n\`\`\``, false],
  ])('%s', (_name, a, b, same) => {
    expect(identicalTurns(a, b)).toBe(same);
  });
});

describe('the simulated judge panel', () => {
  test('is deterministic by seed, reports provider-cached prompt tokens, and the second order of a judge reuses the first one\'s prefix', async () => {
    server = await startChatServer({ script: scripts.judgePanel({ seed: 3, prefixCache: new PrefixCache() }) });
    const judges = SIM_PANEL.map((j) => j.model).join(',');
    const records = Array.from({ length: 8 }, (_, i) => duelRecord(i, { challenger: `THOUGHT: CHALLENGER ${i} reads the tests.\n\n\`\`\`bash\ncat tests/test_${i}.py\n\`\`\`` }));
    const first = judge({ judges, panel: 'full', structured: false });
    const a = await runRecords(first.stage, records, first.t.runtime);
    // A fresh server (the replies depend on the seed and the request, and on how often it was asked before).
    server.reset();
    const second = judge({ judges, panel: 'full', structured: false });
    const b = await runRecords(second.stage, records, second.t.runtime);
    expect(b.map((r) => r.judgement.verdicts)).toEqual(a.map((r) => r.judgement.verdicts));
    const calls = a.flatMap((r) => r.meta.judge.calls as Array<{ order: string; prompt_tokens: number; cached_prompt_tokens: number }>);
    // The second order of each judge: most of its prompt was sent before (the rubric, the history).
    for (const call of calls.filter((c) => c.order === 'challenger-first')) expect(call.cached_prompt_tokens / call.prompt_tokens).toBeGreaterThan(0.5);
    expect(a[0]!.meta.judge.cached_prompt_tokens).toBe(calls.slice(0, 6).reduce((n, c) => n + c.cached_prompt_tokens, 0));
    expect(first.t.logs.join('\n')).toMatch(/tokens [\d,]+ prompt \([\d,]+ cached by the provider\)/);
    const winners = new Set(a.flatMap((r) => r.judgement.verdicts.map((v: { winner?: string }) => v.winner)));
    expect(winners.size).toBeGreaterThan(1);
  });
});

describe('--max-cost', () => {
  const prices = (table: Record<string, unknown>): string => {
    const file = join(tempDir(), 'prices.json');
    writeFileSync(file, JSON.stringify(table));
    return file;
  };

  test('once the budget is spent no new call starts: the records not done fail as budget (transient); a rerun with a larger budget resumes from the cache', async () => {
    server = await startChatServer({ script: judgeScript(() => ({ content: verdictReply('tie').content!, usage: { prompt_tokens: 1000, completion_tokens: 0 } })) });
    const cache = tempDir();
    // $1 per 1M prompt tokens: each call costs $0.001. With one endpoint slot, calls are admitted one at a
    // time: a budget of $0.0015 lets exactly two start, whichever records they belong to.
    const table = prices({ deepseek: { prompt: 1, completion: 1 } });
    const records = [duelRecord(0), duelRecord(1), duelRecord(2)];
    const first = judge({ judges: 'deepseek', cache, prices: table, maxCost: 0.0015, concurrency: 1, panel: 'full' });
    const out = await runRecords(first.stage, records, first.t.runtime);
    expect(server.chatRequests()).toHaveLength(2);
    // Each record needs two calls: what was written and what failed as budget account for every record.
    expect(out.length + first.t.errors.length).toBe(3);
    expect(first.t.errors.length).toBeGreaterThanOrEqual(2);
    expect(first.t.errors.every((e) => e.kind === 'transient' && e.reason === 'budget')).toBe(true);
    expect(first.t.errors[0]!.error).toContain('the --max-cost budget of $0.0015 is spent ($0.0020)');
    expect(first.t.runtime.stats.get('budget.spent_usd')).toBe(0.002);
    expect(first.t.logs.join('\n')).toContain('(process: $0.0020 of the $0.00 budget)');
    server.reset();
    const second = judge({ judges: 'deepseek', cache, prices: table, maxCost: 1, concurrency: 1, panel: 'full' });
    const resumed = await runRecords(second.stage, records, second.t.runtime);
    expect(resumed).toHaveLength(3);
    // Only what the first run had not paid for.
    expect(server.chatRequests()).toHaveLength(4);
    expect(second.t.errors).toEqual([]);
  });

  test('refused at start (exit 78) without a price table, or when a judge in use has no price', () => {
    server = undefined as unknown as ChatServer;
    expect(() => judge({ judges: 'deepseek', maxCost: 1 })).toThrow(/--max-cost needs --prices/);
    const table = prices({ deepseek: { prompt: 1, completion: 1 } });
    expect(() => judge({ judges: 'deepseek,qwen,rules', maxCost: 1, prices: table })).toThrow(expect.objectContaining({ exitCode: 78, message: expect.stringContaining('has no price for "qwen"') }));
  });

  test('a cached_prompt price charges provider-cached prompt tokens at their own rate', async () => {
    server = await startChatServer({
      script: judgeScript(() => ({ content: verdictReply('tie').content!, usage: { prompt_tokens: 1_000_000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 800_000 } } })),
    });
    const table = prices({ deepseek: { prompt: 1, completion: 2, cached_prompt: 0.1 } });
    const { stage, t } = judge({ judges: 'deepseek', prices: table, panel: 'full' });
    const [out] = await runRecords(stage, [duelRecord(0)], t.runtime);
    // 200,000 uncached at $1/1M + 800,000 cached at $0.1/1M = $0.28 per call.
    expect(out!.meta.judge.calls.map((c: { cost_usd: number; cached_prompt_tokens: number }) => [c.cached_prompt_tokens, c.cost_usd])).toEqual([
      [800_000, 0.28],
      [800_000, 0.28],
    ]);
    expect(out!.meta.judge).toMatchObject({ cached_prompt_tokens: 1_600_000, cost_usd: 0.56 });
  });
});
