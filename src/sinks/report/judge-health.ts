import type { Verdict } from '../../contract/judgement.js';
import { bothOrders, firstShown, flipped, preferenceOf, preferredSide, sidesByJudge, type Side } from '../../contract/verdict-sides.js';

/** Judges tracked by name at most; further names are pooled, so hostile input cannot grow memory. */
export const MAX_JUDGES = 32;
export const OTHER_JUDGES = '(other judges)';

/** One judge's health over the whole input. Rates are null when nothing was there to measure. */
export interface JudgeHealthRow {
  judge: string;
  verdicts: number;
  parsed: number;
  /** parsed / verdicts. */
  parse_rate: number | null;
  /** Turns where this judge parsed in both orders. */
  both_orders: number;
  /** Share of `both_orders` turns whose winner changed when the order was swapped. */
  flip_rate: number | null;
  /** Share of decisive (non-tie) parsed verdicts that picked the candidate shown first (position A). */
  prefers_first: number | null;
  /** Share of decisive parsed verdicts, between candidates of different length, that picked the longer. */
  prefers_longer: number | null;
  /** Share of turns, judged by this judge and another, on which both came to the same decision. */
  agreement: number | null;
}

/** Agreement of two judges: turns both decided, and the share on which their decisions matched. */
export interface JudgePairRow {
  judges: [string, string];
  turns: number;
  agreement: number | null;
}

interface JudgeCounts {
  verdicts: number;
  parsed: number;
  bothOrders: number;
  flips: number;
  decisive: number;
  prefersFirst: number;
  decisiveByLength: number;
  prefersLonger: number;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** Accumulates judge health verdict by verdict; keeps counters per judge and per pair of judges only. */
export class JudgeHealth {
  private readonly judges = new Map<string, JudgeCounts>();
  private readonly pairs = new Map<string, { turns: number; agree: number }>();

  private nameOf(judge: string): string {
    return this.judges.has(judge) || this.judges.size < MAX_JUDGES ? judge : OTHER_JUDGES;
  }

  private countsOf(name: string): JudgeCounts {
    let counts = this.judges.get(name);
    if (!counts) {
      counts = { verdicts: 0, parsed: 0, bothOrders: 0, flips: 0, decisive: 0, prefersFirst: 0, decisiveByLength: 0, prefersLonger: 0 };
      this.judges.set(name, counts);
    }
    return counts;
  }

  /** One turn's verdicts; lengths (in characters: see codePoints) are of the challenger's reply and of its opponent's (king or reference). */
  observe(verdicts: readonly Verdict[], challengerLength: number, opponentLength: number): void {
    const preferencesOf = new Map<string, number[]>();
    const longer: Side = challengerLength > opponentLength ? 'challenger' : challengerLength < opponentLength ? 'king' : 'tie';
    for (const verdict of verdicts) {
      const name = this.nameOf(verdict.judge);
      const counts = this.countsOf(name);
      counts.verdicts++;
      if (verdict.status !== 'parsed') continue;
      counts.parsed++;
      const side = preferredSide(verdict);
      let preferences = preferencesOf.get(name);
      if (!preferences) preferencesOf.set(name, (preferences = []));
      const preference = preferenceOf(verdict);
      if (preference !== undefined) preferences.push(preference);
      if (side === undefined || side === 'tie') continue;
      counts.decisive++;
      if (side === firstShown(verdict.order)) counts.prefersFirst++;
      if (longer !== 'tie') {
        counts.decisiveByLength++;
        if (side === longer) counts.prefersLonger++;
      }
    }
    // Every name of this turn is known by now, so pooling gives each verdict the name it was counted under.
    for (const [name, orders] of sidesByJudge(verdicts, (judge) => this.nameOf(judge))) {
      const counts = this.countsOf(name);
      if (bothOrders(orders)) counts.bothOrders++;
      if (flipped(orders)) counts.flips++;
    }
    const decisions: Array<[string, Side]> = [];
    for (const [name, preferences] of preferencesOf) {
      if (preferences.length > 0) {
        const mean = preferences.reduce((a, b) => a + b, 0) / preferences.length;
        decisions.push([name, mean > 0.5 ? 'challenger' : mean < 0.5 ? 'king' : 'tie']);
      }
    }
    decisions.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (let i = 0; i < decisions.length; i++) {
      for (let j = i + 1; j < decisions.length; j++) {
        const key = `${decisions[i]![0]}\u0000${decisions[j]![0]}`;
        let pair = this.pairs.get(key);
        if (!pair) this.pairs.set(key, (pair = { turns: 0, agree: 0 }));
        pair.turns++;
        if (decisions[i]![1] === decisions[j]![1]) pair.agree++;
      }
    }
  }

  rows(): JudgeHealthRow[] {
    const agreementOf = new Map<string, { turns: number; agree: number }>();
    for (const [key, pair] of this.pairs) {
      for (const name of key.split('\u0000')) {
        const total = agreementOf.get(name) ?? { turns: 0, agree: 0 };
        total.turns += pair.turns;
        total.agree += pair.agree;
        agreementOf.set(name, total);
      }
    }
    return [...this.judges.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([judge, c]) => ({
        judge,
        verdicts: c.verdicts,
        parsed: c.parsed,
        parse_rate: ratio(c.parsed, c.verdicts),
        both_orders: c.bothOrders,
        flip_rate: ratio(c.flips, c.bothOrders),
        prefers_first: ratio(c.prefersFirst, c.decisive),
        prefers_longer: ratio(c.prefersLonger, c.decisiveByLength),
        agreement: ratio(agreementOf.get(judge)?.agree ?? 0, agreementOf.get(judge)?.turns ?? 0),
      }));
  }

  pairRows(): JudgePairRow[] {
    return [...this.pairs.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([key, pair]) => ({ judges: key.split('\u0000') as [string, string], turns: pair.turns, agreement: ratio(pair.agree, pair.turns) }));
  }
}

/**
 * The length of a text in characters (Unicode code points), as P(longer) reads it: `text.length` counts
 * UTF-16 code units, so an emoji counted as two. A lone surrogate counts as one, as `[...text]` has it.
 */
export function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
