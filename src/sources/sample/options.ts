import { z } from 'zod';
import { flagsOf, option } from '../../core/option-flags.js';
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
const sampleOptionShape = {
  /** Trajectory files: an hf:// URI (optionally `@revision`), a local path, directory or glob. */
  trajectories: option(text().default(DEFAULT_TRAJECTORIES), {
    flags: '--trajectories <uri>',
    help: 'trajectory files: hf://datasets/OWNER/NAME[@REV]/GLOB, or a local parquet/JSONL file, directory or glob',
  }),
  /** PR rows to join by instance_id. */
  prs: option(text().default(DEFAULT_PRS), { flags: '--prs <uri>', help: 'PR rows joined by instance_id (same URI forms)' }),
  /** Turn records to emit (the whole sample; a shard emits its part of it). */
  count: option(integer(1).default(2000), { flags: '-n, --count <n>', help: 'turn records to sample' }),
  /** Seed of every random draw; the same arguments give the same bytes. */
  seed: option(integer(0, Number.MAX_SAFE_INTEGER).default(0), { flags: '--seed <n>', help: 'seed of every random draw (same arguments, same bytes)' }),
  /** Consecutive rows read per random window (rows of one PR sit together: larger is faster, less varied). */
  window: option(integer(1).default(10), { flags: '--window <rows>', help: 'consecutive trajectories read per random window' }),
  /** Target turns drawn per trajectory, at most. */
  turnsPerTrajectory: option(integer(1).default(1), { flags: '--turns-per-trajectory <k>', help: 'target turns drawn per trajectory, at most' }),
  /** File of instance ids to leave out, one per line (`#` comments and blank lines ignored). */
  exclude: option(text().optional(), { flags: '--exclude <file>', help: 'leave out the instance ids listed in FILE (one per line)' }),
  /** Leave out trajectories whose PR patch is larger than this many bytes (UTF-8). */
  maxPatchBytes: option(byteSize().optional(), {
    flags: '--max-patch-bytes <size>',
    help: 'leave out trajectories whose PR patch is larger (e.g. 64KiB)',
  }),
  /** Emit only shard I of N (1-based), by trajectory id. */
  shard: option(shardOption().optional(), { flags: '--shard <i/n>', help: 'emit only shard I of N (1-based) of the sample, split by trajectory id' }),
  /**
   * Window reads (DuckDB queries) in flight at most: the connections of td sample's DuckDB pool. Not the
   * LLM stages' `--concurrency` (requests in flight at an endpoint).
   */
  concurrency: option(integer(1, 64).default(2), { flags: '--concurrency <n>', help: 'window reads in flight at most' }),
  /** Download hf:// files into this directory (Hugging Face cache layout) and read them from there. */
  cacheDir: option(text().optional(), {
    flags: '--cache-dir <dir>',
    help: 'download hf:// files into DIR once and read them locally (no httpfs needed)',
  }),
  /** Where DuckDB looks for (and installs) httpfs; also TD_DUCKDB_EXTENSION_DIR. */
  extensionDir: option(text().optional(), {
    flags: '--extension-dir <dir>',
    help: 'DuckDB extension directory holding httpfs (env TD_DUCKDB_EXTENSION_DIR)',
  }),
  /** Let DuckDB download httpfs when it is missing. */
  installExtensions: option(flag().default(true), {
    flags: '--no-install-extensions',
    help: "never download DuckDB's httpfs extension; fail with a message instead",
  }),
};

export const SampleOptionsSchema = z.object(sampleOptionShape);
export type SampleOptions = z.infer<typeof SampleOptionsSchema>;
export type SampleOptionsInput = z.input<typeof SampleOptionsSchema>;

export const SAMPLE_FLAGS: readonly FlagSpec[] = flagsOf(sampleOptionShape);
