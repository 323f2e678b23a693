import { z } from 'zod';
import type { FlagSpec } from '../../core/stage-spec.js';
import { byteSize, flag, integer, text } from '../../core/option-types.js';

export const DEFAULT_TRAJECTORIES = 'hf://datasets/AlienKevin/SWE-ZERO-12M-trajectories/data/*.parquet';
export const DEFAULT_PRS = 'hf://datasets/nebius/SWE-rebench-V2-PRs/data/*.parquet';

const SHARD_RULE = 'expected I/N with 1 <= I <= N (e.g. 2/8)';

/** `--shard I/N`: this process emits the part of the sample whose trajectories hash to shard I of N. */
export function shardOption() {
  const parse = (text: string): { index: number; count: number } | undefined => {
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    if (!match) return undefined;
    const shard = { index: Number(match[1]), count: Number(match[2]) };
    return shard.index >= 1 && shard.index <= shard.count ? shard : undefined;
  };
  return z
    .string({ error: SHARD_RULE })
    .refine((text) => parse(text) !== undefined, { error: SHARD_RULE })
    .transform((text) => parse(text)!);
}

/** Options of `td sample`: the same schema parses CLI flags and pipeline files. */
export const SampleOptionsSchema = z.object({
  /** Trajectory files: an hf:// URI (optionally `@revision`), a local path, directory or glob. @default DEFAULT_TRAJECTORIES */
  trajectories: text().default(DEFAULT_TRAJECTORIES),
  /** PR rows to join by instance_id. @default DEFAULT_PRS */
  prs: text().default(DEFAULT_PRS),
  /** Turn records to emit (the whole sample; a shard emits its part of it). @default 2000 */
  count: integer(1).default(2000),
  /** Seed of every random draw; the same arguments give the same bytes. @default 0 */
  seed: integer(0, Number.MAX_SAFE_INTEGER).default(0),
  /** Consecutive rows read per random window (rows of one PR sit together: larger is faster, less varied). @default 10 */
  window: integer(1).default(10),
  /** Target turns drawn per trajectory, at most. @default 1 */
  turnsPerTrajectory: integer(1).default(1),
  /** File of instance ids to leave out, one per line (`#` comments and blank lines ignored). */
  exclude: text().optional(),
  /** Leave out trajectories whose PR patch is larger than this many bytes (UTF-8). */
  maxPatchBytes: byteSize().optional(),
  /** Emit only shard I of N (1-based), by trajectory id. */
  shard: shardOption().optional(),
  /**
   * Window reads (DuckDB queries) in flight at most: the connections of td sample's DuckDB pool. Not the
   * LLM stages' `--concurrency` (requests in flight at an endpoint). @default 2
   */
  concurrency: integer(1, 64).default(2),
  /** Download hf:// files into this directory (Hugging Face cache layout) and read them from there. */
  cacheDir: text().optional(),
  /** Where DuckDB looks for (and installs) httpfs; also TD_DUCKDB_EXTENSION_DIR. */
  extensionDir: text().optional(),
  /** Let DuckDB download httpfs when it is missing. @default true */
  installExtensions: flag().default(true),
});
export type SampleOptions = z.infer<typeof SampleOptionsSchema>;
export type SampleOptionsInput = z.input<typeof SampleOptionsSchema>;

export const SAMPLE_FLAGS: readonly FlagSpec[] = [
  {
    key: 'trajectories',
    flags: '--trajectories <uri>',
    description: 'trajectory files: hf://datasets/OWNER/NAME[@REV]/GLOB, or a local parquet/JSONL file, directory or glob',
    defaultText: DEFAULT_TRAJECTORIES,
  },
  { key: 'prs', flags: '--prs <uri>', description: 'PR rows joined by instance_id (same URI forms)', defaultText: DEFAULT_PRS },
  { key: 'count', flags: '-n, --count <n>', description: 'turn records to sample', defaultText: '2000' },
  { key: 'seed', flags: '--seed <n>', description: 'seed of every random draw (same arguments, same bytes)', defaultText: '0' },
  { key: 'window', flags: '--window <rows>', description: 'consecutive trajectories read per random window', defaultText: '10' },
  { key: 'turnsPerTrajectory', flags: '--turns-per-trajectory <k>', description: 'target turns drawn per trajectory, at most', defaultText: '1' },
  { key: 'exclude', flags: '--exclude <file>', description: 'leave out the instance ids listed in FILE (one per line)' },
  { key: 'maxPatchBytes', flags: '--max-patch-bytes <size>', description: 'leave out trajectories whose PR patch is larger (e.g. 64KiB)' },
  { key: 'shard', flags: '--shard <i/n>', description: 'emit only shard I of N (1-based) of the sample, split by trajectory id' },
  { key: 'concurrency', flags: '--concurrency <n>', description: 'window reads in flight at most', defaultText: '2' },
  { key: 'cacheDir', flags: '--cache-dir <dir>', description: 'download hf:// files into DIR once and read them locally (no httpfs needed)' },
  { key: 'extensionDir', flags: '--extension-dir <dir>', description: "DuckDB extension directory holding httpfs (env TD_DUCKDB_EXTENSION_DIR)" },
  { key: 'installExtensions', flags: '--no-install-extensions', description: "never download DuckDB's httpfs extension; fail with a message instead" },
];
