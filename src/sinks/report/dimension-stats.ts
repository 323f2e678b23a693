import { DIMENSIONS, type Dimension, type Judgement } from '../../contract/judgement.js';

/** Challenger vs opponent on one dimension, over parsed turns. */
export interface DimensionRow {
  dimension: Dimension;
  challenger_mean: number | null;
  king_mean: number | null;
  /** Turns where both sides have a score on this dimension. */
  turns: number;
  /** Shares of `turns` where the challenger's mean score was higher, equal, lower. */
  challenger_wins: number | null;
  ties: number | null;
  king_wins: number | null;
}

interface Sums {
  challenger: number;
  challengerCount: number;
  king: number;
  kingCount: number;
  both: number;
  challengerWins: number;
  ties: number;
}

/** Per-dimension sums and win counts: five small records whatever the input size. */
export class DimensionStats {
  private readonly sums = new Map<Dimension, Sums>(
    DIMENSIONS.map((dimension) => [dimension, { challenger: 0, challengerCount: 0, king: 0, kingCount: 0, both: 0, challengerWins: 0, ties: 0 }]),
  );

  observe(dimensions: Judgement['dimensions']): void {
    for (const dimension of DIMENSIONS) {
      const sums = this.sums.get(dimension)!;
      const challenger = dimensions.challenger[dimension];
      const king = dimensions.king[dimension];
      if (challenger !== null) {
        sums.challenger += challenger;
        sums.challengerCount++;
      }
      if (king !== null) {
        sums.king += king;
        sums.kingCount++;
      }
      if (challenger !== null && king !== null) {
        sums.both++;
        if (challenger > king) sums.challengerWins++;
        else if (challenger === king) sums.ties++;
      }
    }
  }

  rows(): DimensionRow[] {
    return DIMENSIONS.map((dimension) => {
      const s = this.sums.get(dimension)!;
      const share = (n: number): number | null => (s.both > 0 ? n / s.both : null);
      return {
        dimension,
        challenger_mean: s.challengerCount > 0 ? s.challenger / s.challengerCount : null,
        king_mean: s.kingCount > 0 ? s.king / s.kingCount : null,
        turns: s.both,
        challenger_wins: share(s.challengerWins),
        ties: share(s.ties),
        king_wins: share(s.both - s.challengerWins - s.ties),
      };
    });
  }
}
