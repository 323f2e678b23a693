/**
 * A seeded percentile bootstrap (td report's gate; usable for any mean of preferences): resample with
 * replacement, take the mean of each resample, and read the lower percentile of those means. Seeded,
 * so a rerun over the same input gives the same bound to the last digit.
 */

/** A small seeded PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapOptions {
  /** Resamples drawn. */
  resamples: number;
  /** One-sided confidence level, e.g. 0.95: the bound is the (1 - confidence) quantile of the resampled means. */
  confidence: number;
  seed: number;
}

/**
 * One-sided percentile-bootstrap lower bound of the mean of `values`. Each resample draws `n` indices
 * uniformly with replacement (`floor(random() * n)`); the bound is the `ceil((1 - confidence) * B)`-th
 * smallest of the B resample means (the inverse empirical distribution function). Undefined for no values.
 */
export function bootstrapLowerBound(values: ArrayLike<number>, options: BootstrapOptions): number | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const data = values instanceof Float64Array ? values : Float64Array.from(values);
  const means = new Float64Array(options.resamples);
  // seededRandom's steps, inlined: this loop draws resamples x turns numbers (58 million for 29k turns).
  let state = options.seed >>> 0;
  for (let b = 0; b < options.resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      sum += data[Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)]!;
    }
    means[b] = sum / n;
  }
  means.sort();
  const rank = Math.max(1, Math.ceil((1 - options.confidence) * options.resamples - 1e-9));
  return means[rank - 1]!;
}
