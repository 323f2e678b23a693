import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrefixCache, SIM_PANEL, digest, scripts, startChatServer, type ChatServer, type RecordedRequest } from '../test/helpers/chat-server.js';
import type { Bench, BenchRow } from './types.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const JUDGES = SIM_PANEL.map((judge) => judge.model).join(',');
const SEED = 7;
/** Share of turns whose challenger repeats the king (same command, reasoning differing only in spacing and case). */
const IDENTICAL_SHARE = 0.03;

const COMMANDS = ['grep -rn "tokenize" src/', 'sed -n 40,80p src/parser.py', 'cat tests/test_parser.py', 'ls src/', 'python -m pytest -q', "sed -i 's/tokens\\[:-1\\]/tokens/' src/parser.py", 'git diff', 'nl -ba src/lexer.py | sed -n 1,60p'];

/** A duel record with a history of realistic length (a few observations), a king and a challenger. */
function duelRecord(i: number): Record<string, unknown> {
  const observation = (k: number): string => `${Array.from({ length: 40 }, (_, line) => `src/module_${i}_${k}.py:${line + 1}: def step_${line}(tokens): return tokens[:${line}]`).join('\n')}`;
  const messages = [
    { role: 'system', content: 'You are a helpful assistant that can interact with a computer. Reply with a THOUGHT and exactly one ```bash``` block holding one command. Do not use python, pytest or pip; do not cd.' },
    { role: 'user', content: `Please solve this issue in the repository acme/widgets-${i}.\n\n## Issue\nThe parser drops the last token of line ${i} when the line ends without a newline.` },
    { role: 'assistant', content: 'THOUGHT: Look around first.\n\n```bash\nls -la\n```' },
    { role: 'user', content: observation(0) },
    { role: 'assistant', content: 'THOUGHT: Find the tokenizer.\n\n```bash\ngrep -rn "def tokenize" src/\n```' },
    { role: 'user', content: observation(1) },
  ];
  const turn = (k: number, who: string): string =>
    `THOUGHT: ${who} ${i}: the slice in the tokenizer looks off by one, so the next step is to ${['read it', 'search for its callers', 'check the tests', 'edit it'][k % 4]} before changing anything.\n\n\`\`\`bash\n${COMMANDS[k % COMMANDS.length]}\n\`\`\``;
  const king = turn(i, 'The king reasons about turn');
  const identical = (i * 7919) % 1000 < IDENTICAL_SHARE * 1000;
  const challenger = identical ? `${king.replace('THOUGHT: The king', 'THOUGHT:  the KING')}  ` : turn(i * 3 + 1, 'The challenger reasons about turn');
  const pr = { problem_statement: 'The parser drops the last token.', patch: `diff --git a/src/parser.py b/src/parser.py\n-    return tokens[:-1]\n+    return tokens  # ${i}\n`, files: ['src/parser.py'] };
  return { id: `panel-${i}`, instance_id: `acme__widgets-${i}`, repo: 'acme/widgets', turn: 6, messages, assistant: 'x', pr, source: { file: 'bench.parquet', row: i }, king, challenger };
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CHUTES_API_KEY: 'bench-key-000000' }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`td ${args[0]} exited ${code}`))));
  });
}

interface Scored {
  id: string;
  score: number | null;
  judgement: { verdicts: Array<{ judge: string; order: string; winner?: string; position_winner?: string; status: string }>; asked?: number; stopped?: string };
}

interface PanelRun {
  records: Map<string, Scored>;
  calls: number;
  promptTokens: number;
  requests: RecordedRequest[];
  lowerBound: number;
  gateEstimator: string;
}

const bucket = (score: number | null): string => (score === null ? 'parse-fail' : score >= 80 ? 'final' : score >= 66 ? 'refined' : 'defeat');

async function judgeRun(server: ChatServer, dir: string, name: string, panel: string[], cache: string): Promise<PanelRun> {
  server.reset();
  const output = join(dir, `${name}.jsonl`);
  await run(['judge', '--judges', JUDGES, ...panel, '--concurrency', '32', '--base-url', server.url, '--cache', cache, '-i', join(dir, 'input.jsonl'), '-o', output, '--quiet']);
  const requests = server.chatRequests();
  const records = new Map<string, Scored>();
  for (const line of readFileSync(output, 'utf8').split('\n')) if (line !== '') records.set((JSON.parse(line) as Scored).id, JSON.parse(line) as Scored);
  await run(['report', '--out', join(dir, `${name}-report`), '-i', output, '--quiet']);
  const duel = JSON.parse(readFileSync(join(dir, `${name}-report`, 'duel.json'), 'utf8')) as { margin_lower_bound: number; estimated_turns?: number };
  return {
    records,
    calls: requests.length,
    promptTokens: requests.reduce((n, r) => n + Math.ceil(r.body!.messages.reduce((c, m) => c + m.content.length, 0) / 4), 0),
    requests,
    lowerBound: duel.margin_lower_bound,
    gateEstimator: `${duel.estimated_turns ?? 0} turns at the full panel estimate`,
  };
}

/** Share of prompt characters that repeat a prefix already sent to the same model for the same turn (the longest one). */
function repeatedPrefixShare(requests: readonly RecordedRequest[]): number {
  const seen = new Map<string, string[]>();
  let total = 0;
  let repeated = 0;
  for (const request of requests) {
    const text = request.body!.messages.map((m) => `${m.role}\n${m.content}\n`).join('');
    const conversation = /<<<CONVERSATION [0-9a-f]{16}>>>\n([\s\S]*?)\n<<<END CONVERSATION/.exec(text)?.[1] ?? '';
    const key = `${request.body!.model}\0${digest(conversation)}`;
    const earlier = seen.get(key) ?? [];
    let best = 0;
    for (const other of earlier) {
      let k = 0;
      while (k < text.length && k < other.length && text.charCodeAt(k) === other.charCodeAt(k)) k++;
      best = Math.max(best, k);
    }
    total += text.length;
    repeated += best;
    seen.set(key, [...earlier, text]);
  }
  return repeated / total;
}

/** What the simulated panel is like, from the full run's verdicts: agreement between judges, flips, position A. */
function panelTraits(records: Iterable<Scored>): string {
  let pairs = 0;
  let agree = 0;
  let swapped = 0;
  let flips = 0;
  let parsed = 0;
  let firstShown = 0;
  for (const record of records) {
    const byJudge = new Map<string, Map<string, string>>();
    for (const v of record.judgement.verdicts) {
      if (v.status !== 'parsed') continue;
      parsed++;
      if (v.position_winner === 'A') firstShown++;
      const orders = byJudge.get(v.judge) ?? new Map<string, string>();
      orders.set(v.order, v.winner!);
      byJudge.set(v.judge, orders);
    }
    const judges = [...byJudge.values()];
    for (const orders of judges) {
      if (orders.size === 2) {
        swapped++;
        if (orders.get('king-first') !== orders.get('challenger-first')) flips++;
      }
    }
    for (let x = 0; x < judges.length; x++) {
      for (let y = x + 1; y < judges.length; y++) {
        for (const order of ['king-first', 'challenger-first']) {
          const [a, b] = [judges[x]!.get(order), judges[y]!.get(order)];
          if (a === undefined || b === undefined) continue;
          pairs++;
          if (a === b) agree++;
        }
      }
    }
  }
  return `simulated panel: judges agree on ${((100 * agree) / pairs).toFixed(1)}% of verdict pairs, ${((100 * flips) / swapped).toFixed(1)}% of swapped pairs flip, position A wins ${((100 * firstShown) / parsed).toFixed(1)}% of parsed verdicts`;
}

/** Share of turns in the same bucket in both runs; `judged` leaves out the turns `a` did not judge (identical candidates: a tie by design). */
function sameBuckets(a: PanelRun, b: PanelRun, judged = false): number {
  let same = 0;
  let turns = 0;
  for (const [id, record] of a.records) {
    if (judged && record.judgement.stopped === 'identical') continue;
    turns++;
    if (bucket(record.score) === bucket(b.records.get(id)?.score ?? null)) same++;
  }
  return same / turns;
}

/**
 * The judge panel's cost against the full panel, in one run over the same simulated panel (the test chat
 * server's `scripts.judgePanel`, three judges with position bias, ties, flips and abstentions) and the
 * same 1,000 duels: judge calls and prompt tokens per turn with `--panel adaptive` and `--panel
 * confident --agreement 0.98` against `--panel full`, with the share of turns in the same bucket; the
 * prompt share a provider's prefix cache can serve; the report's gate lower bound in each mode; and a
 * rerun with `--panel full` over the adaptive run's cache (it must ask only the missing verdicts).
 */
export const panelBench: Bench = async ({ scale, workDir, log }) => {
  const n = Math.max(100, Math.round(1000 * scale));
  const dir = mkdtempSync(join(workDir, 'panel-'));
  writeFileSync(join(dir, 'input.jsonl'), Array.from({ length: n }, (_, i) => JSON.stringify(duelRecord(i)) + '\n').join(''));
  const server = await startChatServer({ script: scripts.judgePanel({ seed: SEED, prefixCache: new PrefixCache() }) });
  try {
    log(`panel: ${n} duels, 3 simulated judges, --panel full / adaptive / confident, each with a fresh cache`);
    const full = await judgeRun(server, dir, 'full', ['--panel', 'full'], join(dir, 'cache-full'));
    const adaptive = await judgeRun(server, dir, 'adaptive', ['--panel', 'adaptive'], join(dir, 'cache-adaptive'));
    const confident = await judgeRun(server, dir, 'confident', ['--panel', 'confident', '--agreement', '0.98'], join(dir, 'cache-confident'));
    const rerun = await judgeRun(server, dir, 'rerun', ['--panel', 'full'], join(dir, 'cache-adaptive'));
    const per = (run: PanelRun): string => `${(run.calls / n).toFixed(2)} calls, ${Math.round(run.promptTokens / n)} prompt tokens per turn`;
    const adaptiveSaved = 1 - adaptive.calls / full.calls;
    const confidentSaved = 1 - confident.calls / full.calls;
    const adaptiveSame = sameBuckets(adaptive, full, true);
    const confidentSame = sameBuckets(confident, full, true);
    const identicalSame = [...adaptive.records.values()].filter((r) => r.judgement.stopped === 'identical' && bucket(r.score) === bucket(full.records.get(r.id)!.score)).length;
    const prefix = repeatedPrefixShare(full.requests);
    const adaptivePrefix = repeatedPrefixShare(adaptive.requests);
    const identical = [...adaptive.records.values()].filter((r) => r.judgement.stopped === 'identical').length;
    const rows: BenchRow[] = [
      {
        name: `judge calls per turn, --panel adaptive vs full (${n} turns, same simulated panel): share saved, with 100% identical buckets`,
        ratio: adaptiveSaved,
        target: '>= 0.20 and buckets 100%',
        pass: adaptiveSaved >= 0.2 && adaptiveSame === 1,
        detail:
          `adaptive ${per(adaptive)} vs full ${per(full)}; prompt tokens ${(100 * (1 - adaptive.promptTokens / full.promptTokens)).toFixed(1)}% fewer; ` +
          `${(100 * adaptiveSame).toFixed(2)}% identical buckets over the turns the panel judged; ${identical} identical-candidate turns asked nothing (a tie, score 50: the full panel put ${identicalSame} of them in the same bucket); ${panelTraits(full.records.values())}`,
      },
      {
        name: `judge calls per turn, --panel confident --agreement 0.98 vs full (${n} turns): share saved, with >= 98% identical buckets`,
        ratio: confidentSaved,
        target: '>= 0.30 and buckets >= 98%',
        pass: confidentSaved >= 0.3 && confidentSame >= 0.98,
        detail: `confident ${per(confident)} vs full ${per(full)}; prompt tokens ${(100 * (1 - confident.promptTokens / full.promptTokens)).toFixed(1)}% fewer; ${(100 * confidentSame).toFixed(2)}% identical buckets over the turns the panel judged`,
      },
      {
        name: 'judge prompt share repeating a prefix already sent to the same model for the same turn (--panel full)',
        ratio: prefix,
        target: '>= 0.45',
        pass: prefix >= 0.45,
        detail: `full ${(100 * prefix).toFixed(1)}%, adaptive ${(100 * adaptivePrefix).toFixed(1)}% (longest common prefix with an earlier request of the same model and turn, over all prompt characters)`,
      },
      {
        name: 'gate margin lower bound, adaptive and confident vs full (td report, worst absolute difference)',
        ratio: Math.max(Math.abs(adaptive.lowerBound - full.lowerBound), Math.abs(confident.lowerBound - full.lowerBound)),
        target: '<= 0.02',
        pass: Math.max(Math.abs(adaptive.lowerBound - full.lowerBound), Math.abs(confident.lowerBound - full.lowerBound)) <= 0.02,
        detail: `full ${full.lowerBound.toFixed(4)}, adaptive ${adaptive.lowerBound.toFixed(4)}, confident ${confident.lowerBound.toFixed(4)}; estimator on early-stopped turns: ${adaptive.gateEstimator}`,
      },
      {
        name: '--panel full rerun over the adaptive run\'s cache: calls made / verdicts the adaptive run had not asked',
        ratio: rerun.calls / (full.calls - adaptive.calls),
        target: '= 1.0',
        pass: rerun.calls === full.calls - adaptive.calls && sameBuckets(rerun, full) === 1,
        detail: `${rerun.calls} calls vs ${full.calls} - ${adaptive.calls} = ${full.calls - adaptive.calls}; its records and full's in the same bucket: ${(100 * sameBuckets(rerun, full)).toFixed(1)}%`,
      },
    ];
    return rows;
  } finally {
    await server.close();
    if (process.env.BENCH_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    else log(`panel: kept ${dir}`);
  }
};
