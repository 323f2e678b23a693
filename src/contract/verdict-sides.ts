import type { Order, Verdict } from './judgement.js';

/**
 * How a verdict reads, in one place for `td judge` (aggregation), `td import` (seed scores) and `td
 * report` (judge health, DPO pairs): which side a position names, what a side is worth to the
 * challenger, and what each judge preferred in each order.
 */

export type Side = 'challenger' | 'king' | 'tie';

/** The challenger's preference for a side-relative winner: 1 win, 0.5 tie, 0 loss. */
export const PREFERENCE: Readonly<Record<Side, number>> = { challenger: 1, tie: 0.5, king: 0 };

/** The candidate shown first (position A): with `king-first` the king, with `challenger-first` the challenger. */
export function firstShown(order: Order): 'king' | 'challenger' {
  return order === 'king-first' ? 'king' : 'challenger';
}

/** The side a positional winner (A, B or tie) names in `order`. */
export function sideOfPosition(order: Order, position: 'A' | 'B' | 'tie'): Side {
  if (position === 'tie') return 'tie';
  const first = firstShown(order);
  return position === 'A' ? first : first === 'king' ? 'challenger' : 'king';
}

/** The side a parsed verdict preferred, from `winner`, or else from `position_winner` and the order. */
export function preferredSide(verdict: Verdict): Side | undefined {
  if (verdict.winner !== undefined) return verdict.winner;
  return verdict.position_winner === undefined ? undefined : sideOfPosition(verdict.order, verdict.position_winner);
}

/** A verdict's preference for the challenger: `p`, or else the worth of its preferred side. */
export function preferenceOf(verdict: Verdict): number | undefined {
  if (verdict.p !== undefined) return verdict.p;
  const side = preferredSide(verdict);
  return side === undefined ? undefined : PREFERENCE[side];
}

/** What one judge preferred in each order of one turn. */
export interface JudgeOrders {
  /** The side per order (the last verdict of an order wins when one repeats). */
  sides: Map<Order, Side>;
  /** An order repeated with a different side. */
  conflict: boolean;
  /** A parsed verdict whose side cannot be read. */
  unreadable: boolean;
}

/** Each judge's sides per order over the parsed verdicts of one turn; `nameOf` may pool judges under one name. */
export function sidesByJudge(verdicts: readonly Verdict[], nameOf: (judge: string) => string = (judge) => judge): Map<string, JudgeOrders> {
  const byJudge = new Map<string, JudgeOrders>();
  for (const verdict of verdicts) {
    if (verdict.status !== 'parsed') continue;
    const name = nameOf(verdict.judge);
    let orders = byJudge.get(name);
    if (!orders) byJudge.set(name, (orders = { sides: new Map(), conflict: false, unreadable: false }));
    const side = preferredSide(verdict);
    if (side === undefined) {
      orders.unreadable = true;
      continue;
    }
    const earlier = orders.sides.get(verdict.order);
    if (earlier !== undefined && earlier !== side) orders.conflict = true;
    orders.sides.set(verdict.order, side);
  }
  return byJudge;
}

/** Whether a judge decided both orders, and differently: the winner changed when the order was swapped. */
export function flipped(orders: JudgeOrders): boolean {
  const kingFirst = orders.sides.get('king-first');
  const challengerFirst = orders.sides.get('challenger-first');
  return kingFirst !== undefined && challengerFirst !== undefined && kingFirst !== challengerFirst;
}

/** Whether a judge decided both orders. */
export function bothOrders(orders: JudgeOrders): boolean {
  return orders.sides.has('king-first') && orders.sides.has('challenger-first');
}
