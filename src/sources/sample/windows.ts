import { Sfc32 } from '../../core/seeded-random.js';

/** A trajectory's place in the dataset: file index (in listing order) and 0-based row in that file. */
export interface RowRef {
  file: number;
  row: number;
}

/**
 * Maps global row numbers (all files laid end to end, in listing order) to (file, row), from the row
 * counts in the parquet footers.
 */
export class RowSpace {
  /** starts[i] = global number of file i's first row; the last entry is the total. */
  private readonly starts: number[];

  constructor(counts: readonly number[]) {
    this.starts = [0];
    for (const count of counts) this.starts.push(this.starts.at(-1)! + count);
  }

  get total(): number {
    return this.starts.at(-1)!;
  }

  locate(global: number): RowRef {
    // Binary search for the last file that starts at or before `global` (empty files are skipped over).
    let low = 0;
    let high = this.starts.length - 2;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= global) low = mid;
      else high = mid - 1;
    }
    return { file: low, row: global - this.starts[low]! };
  }
}

/**
 * The sampling order: windows of `window` consecutive rows whose starts are uniform over all rows, drawn
 * by a generator seeded with `seed` alone. A window that runs past the last row wraps to the first, so
 * every row is equally likely; rows already drawn are skipped, so no trajectory is taken twice.
 * The order depends on nothing else (not on batches, shards, or what was filtered out).
 */
export class WindowDraw {
  private readonly random: Sfc32;
  private readonly taken = new Set<number>();
  private readonly window: number;

  constructor(
    private readonly space: RowSpace,
    seed: number,
    window: number,
  ) {
    this.random = new Sfc32(`td-sample-windows:${seed}`);
    this.window = Math.min(window, space.total);
  }

  /** Whether every row has been drawn. */
  get exhausted(): boolean {
    return this.taken.size >= this.space.total;
  }

  /** The new global rows of the next window (possibly none, when it only overlaps earlier ones). */
  next(): number[] {
    if (this.exhausted) return [];
    const total = this.space.total;
    const start = this.random.below(total);
    const rows: number[] = [];
    for (let offset = 0; offset < this.window; offset++) {
      const global = (start + offset) % total;
      if (this.taken.has(global)) continue;
      this.taken.add(global);
      rows.push(global);
    }
    return rows;
  }
}
