import { DIMENSIONS, type DimensionScores, type Judgement, type Order, type Verdict } from '../../src/contract/judgement.js';
import type { ScoredRecord } from '../../src/contract/scored.js';
import type { StageMeta } from '../../src/contract/meta.js';
import { turnRecord } from './records.js';

type Side = 'challenger' | 'king' | 'tie';

/** Dimension scores, all `value` unless overridden. */
export function dims(value: number, overrides: Partial<DimensionScores> = {}): DimensionScores {
  return { correctness: value, grounding: value, progress: value, protocol: value, efficiency: value, ...overrides };
}

export interface VerdictSpec {
  judge?: string;
  order: Order;
  /** The preferred side; omitted: the verdict abstained (could not be parsed). */
  winner?: Side;
  challenger?: DimensionScores;
  king?: DimensionScores;
}

/** A verdict as td judge writes it: sides translated to positions (king-first shows the king as A). */
export function verdict(spec: VerdictSpec): Verdict {
  const judge = spec.judge ?? 'judge-a';
  if (spec.winner === undefined) return { judge, order: spec.order, status: 'abstained', error: 'no JSON object in the reply' };
  const firstShown: Side = spec.order === 'king-first' ? 'king' : 'challenger';
  const position_winner = spec.winner === 'tie' ? 'tie' : spec.winner === firstShown ? 'A' : 'B';
  const p = spec.winner === 'challenger' ? 1 : spec.winner === 'tie' ? 0.5 : 0;
  const challenger = spec.challenger ?? dims(spec.winner === 'challenger' ? 8 : spec.winner === 'tie' ? 6 : 4);
  const king = spec.king ?? dims(spec.winner === 'king' ? 8 : 6);
  return { judge, order: spec.order, status: 'parsed', position_winner, winner: spec.winner, p, scores: { challenger, king }, reason: 'because' };
}

/** Both orders for each judge, with one winner per (judge, order): `[['judge-a', 'challenger', 'king'], ...]`. */
export function verdictsOf(perJudge: ReadonlyArray<readonly [judge: string, kingFirst: Side | undefined, challengerFirst: Side | undefined]>): Verdict[] {
  return perJudge.flatMap(([judge, kingFirst, challengerFirst]) => [
    verdict({ judge, order: 'king-first', winner: kingFirst }),
    verdict({ judge, order: 'challenger-first', winner: challengerFirst }),
  ]);
}

const mean = (values: number[]): number | null => (values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null);

/**
 * The judgement td judge would conclude from these verdicts. `lower_bound` is a stand-in (the smallest
 * parsed preference), since the report only passes it on.
 */
export function judgementOf(verdicts: Verdict[], against: 'king' | 'reference' = 'king'): Judgement {
  const parsed = verdicts.filter((v) => v.status === 'parsed');
  const ps = parsed.map((v) => v.p!);
  const side = (key: 'challenger' | 'king') =>
    Object.fromEntries(DIMENSIONS.map((d) => [d, mean(parsed.map((v) => v.scores![key][d]))])) as Judgement['dimensions']['challenger'];
  const judges = new Set(verdicts.map((v) => v.judge));
  let flips = 0;
  for (const judge of judges) {
    const kf = parsed.find((v) => v.judge === judge && v.order === 'king-first');
    const cf = parsed.find((v) => v.judge === judge && v.order === 'challenger-first');
    if (kf && cf && kf.winner !== cf.winner) flips++;
  }
  return {
    against,
    verdicts,
    parsed: parsed.length,
    total: verdicts.length,
    parsed_fraction: verdicts.length > 0 ? parsed.length / verdicts.length : 0,
    preference: mean(ps),
    dimensions: { challenger: side('challenger'), king: side('king') },
    flips,
    lower_bound: ps.length > 0 ? Math.min(...ps) : null,
  };
}

/** `meta.<stage>` with one call; `cached` and `latency_ms` vary by run, the rest describes the data. */
export function stageMeta(model: string, prompt: number, completion: number, cost?: number, volatile = { cached: false, latency_ms: 1234 }): StageMeta {
  return {
    model,
    calls: [{ model, attempt: 0, prompt_tokens: prompt, completion_tokens: completion, ...(cost === undefined ? {} : { cost_usd: cost }), status: 'ok', ...volatile }],
    prompt_tokens: prompt,
    completion_tokens: completion,
    ...(cost === undefined ? {} : { cost_usd: cost }),
  };
}

export interface ScoredSpec {
  index?: number;
  /** Verdicts; default: one judge preferring the challenger in both orders. */
  verdicts?: Verdict[];
  /** Overrides the score derived from the verdicts (100 x preference, null when none parsed). */
  score?: number | null;
  against?: 'king' | 'reference';
  challenger?: string;
  king?: string;
  meta?: Record<string, unknown>;
}

/** A realistic scored record (the td judge output shape) with controllable verdicts and score. */
export function scoredRecord(spec: ScoredSpec = {}): ScoredRecord {
  const index = spec.index ?? 0;
  const verdicts = spec.verdicts ?? verdictsOf([['judge-a', 'challenger', 'challenger']]);
  const against = spec.against ?? 'king';
  const judgement = judgementOf(verdicts, against);
  const derived = judgement.preference === null ? null : judgement.preference * 100;
  const base = turnRecord({ id: `data/train-00000.parquet:${index}:t4`, source: { file: 'data/train-00000.parquet', row: index, exit_status: 'Submitted' } });
  return {
    ...base,
    ...(against === 'king' ? { king: spec.king ?? 'THOUGHT: List the sources.\n\n```bash\nls src\n```\n' } : {}),
    challenger: spec.challenger ?? "THOUGHT: The bug is in tokenize_line; read it.\n\n```bash\nsed -n '1,40p' src/parser.py\n```\n",
    score: spec.score === undefined ? derived : spec.score,
    judgement,
    meta: spec.meta ?? {
      king: stageMeta('moonshotai/Kimi-K2.6-TEE', 1200, 80, 0.0012),
      challenger: stageMeta('moonshotai/Kimi-K2.6-TEE', 1500, 95, 0.0015),
      judge: stageMeta('judge-model', 3000, 400, 0.004),
    },
  };
}
