/** One line of the bench table: a measured ratio against a baseline measured in the same run. */
export interface BenchRow {
  /** What was measured, e.g. `td validate vs plain-Node loop (200 MB)`. */
  name: string;
  /** Measured value as a ratio (throughput / baseline, or time / baseline). */
  ratio: number;
  /** The target, stated as a comparison: `>= 0.8`, `<= 0.10`. */
  target: string;
  /** Whether the ratio meets the target. */
  pass: boolean;
  /** The raw numbers behind the ratio, e.g. `61.2 MB/s vs 70.3 MB/s`. */
  detail: string;
}

/** A bench module: runs its measurements and returns its rows. `scale` < 1 shrinks inputs for a quick run. */
export type Bench = (options: { scale: number; workDir: string; log: (line: string) => void }) => Promise<BenchRow[]>;
