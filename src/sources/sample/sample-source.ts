import type { TurnRecord } from '../../contract/turn.js';
import { boundedRaw } from '../../core/errors-sink.js';
import { readExcludeList } from '../../core/exclude-list.js';
import { EXIT } from '../../core/exit-codes.js';
import type { Failure } from '../../core/outcome.js';
import type { Replay, StageRuntime } from '../../core/session.js';
import { sessionEnv } from '../../core/session-env.js';
import type { RunContext, SourceStage, Sourced } from '../../core/stage.js';
import { TdError } from '../../core/td-error.js';
import { DuckDb } from './duckdb.js';
import { type BadPrLine, PrTable, toPr } from './pr-table.js';
import { firstLine, listDataset, type Dataset, type HubAccess } from './list-files.js';
import type { SampleOptions } from './options.js';
import { hash32 } from '../../core/seeded-random.js';
import { assertTrajectoryColumns, countRows, readTrajectoryRows, type TrajectoryRow } from './trajectory-rows.js';
import { eligibleTurns, parseTrajectory, pickTurns, trajectoryId, turnRecord, type TurnSource } from './trajectory.js';
import { RowSpace, WindowDraw, type RowRef } from './windows.js';

/** Trajectories read per batch at most: bounds memory whatever `-n` is. */
const BATCH_ROWS = 256;

/** What tests and embedders may replace. */
export interface SampleDeps {
  /** Used for the Hub API (listing, pinning revisions, downloads). @default global fetch */
  fetch?: typeof fetch;
  /** HF_TOKEN, HUGGINGFACE_API_KEY, TD_DUCKDB_EXTENSION_DIR. @default the session's environment over ./.env */
  env?: NodeJS.ProcessEnv;
}

interface SamplePlan {
  options: SampleOptions;
  /** Lines of a JSONL PR table that are no PR rows, found while indexing it, not yet reported. */
  badPrLines: BadPrLine[];
  trajectories: Dataset;
  prs: Dataset;
  space: RowSpace;
  exclude: Set<string>;
  db: () => Promise<DuckDb>;
  prTable: PrTable;
}

/**
 * `td sample` as a source stage: lists the files, reads their row counts, then yields turn records.
 * Everything that can be wrong with the arguments (a bad URI, no files, a missing exclude file, no
 * httpfs) is thrown here as a TdError, before the first record.
 */
export async function createSampleSource(options: SampleOptions, runtime: StageRuntime, deps: SampleDeps = {}): Promise<SourceStage<TurnRecord>> {
  const plan = await prepare(options, runtime, deps);
  return { run: (ctx) => sampleTurns(plan, ctx) };
}

async function prepare(options: SampleOptions, runtime: StageRuntime, deps: SampleDeps): Promise<SamplePlan> {
  // HF_TOKEN may sit in ./.env beside the API key: the stages read one environment.
  const env = deps.env ?? sessionEnv(runtime.session);
  const accessToken = env.HF_TOKEN || env.HUGGINGFACE_API_KEY || undefined;
  runtime.session.redactor.add(accessToken);
  const usesHub = [options.trajectories, options.prs].some((uri) => /^hf:\/\//i.test(uri));
  if (usesHub && accessToken !== undefined && !accessToken.startsWith('hf_')) {
    throw new TdError('HF_TOKEN (or HUGGINGFACE_API_KEY) is not a Hugging Face token: expected it to start with hf_', EXIT.config, 'config');
  }
  const exclude = options.exclude === undefined ? new Set<string>() : readExcludeList(options.exclude);
  const hub: HubAccess = {
    ...(accessToken === undefined ? {} : { accessToken }),
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    log: (line) => runtime.log.info(line),
  };
  const [trajectories, prs] = await Promise.all([
    listDataset('--trajectories', options.trajectories, hub),
    listDataset('--prs', options.prs, hub),
  ]);
  for (const dataset of [trajectories, prs]) {
    if (dataset.remote && dataset.files.some((file) => file.format === 'jsonl')) {
      throw new TdError(`${dataset.flag}: JSONL files on the Hub are read from a local copy: add --cache-dir DIR`, EXIT.usage, 'usage');
    }
  }

  const extensionDir = options.extensionDir ?? (env.TD_DUCKDB_EXTENSION_DIR || undefined);
  const remote = trajectories.remote || prs.remote;
  let opened: Promise<DuckDb> | undefined;
  const db = (): Promise<DuckDb> => {
    opened ??= DuckDb.forSession(runtime.session, {
      ...(extensionDir === undefined ? {} : { extensionDir }),
      installExtensions: options.installExtensions,
      connections: options.concurrency,
    }).then(async (duck) => {
      if (remote) await duck.enableRemote(accessToken, (line) => runtime.log.info(line));
      return duck;
    });
    return opened;
  };

  const counts = await readCounts(trajectories, db, runtime.signal);
  const space = new RowSpace(counts);
  if (space.total === 0) throw new TdError(`--trajectories: ${trajectories.uri} holds no rows`, EXIT.noInput, 'no-input');
  const first = trajectories.files.find((file, index) => file.format === 'parquet' && counts[index]! > 0);
  if (first) await assertTrajectoryColumns('--trajectories', first, await db(), runtime.signal);

  const pinned = trajectories.pinned ? ` (${trajectories.pinned})` : '';
  runtime.log.info(
    `sampling ${options.count} turns from ${space.total} trajectories in ${trajectories.files.length} files${pinned}, ` +
      `seed ${options.seed}, window ${options.window}${options.shard ? `, shard ${options.shard.index}/${options.shard.count}` : ''}`,
  );
  // A line of a JSONL PR table that is no PR row belongs to no trajectory: the first shard (or the
  // unsharded run) reports it, so the shards' errors still add up to the unsharded run's.
  const reportsTable = options.shard === undefined || options.shard.index === 1;
  const badPrLines: BadPrLine[] = [];
  const prTable = new PrTable(
    prs,
    db,
    (bad) => void (reportsTable && badPrLines.push(bad)),
    (rows) => runtime.stats.add('PR rows indexed', rows),
  );
  return { options, badPrLines, trajectories, prs, space, exclude, db, prTable };
}

async function readCounts(dataset: Dataset, db: () => Promise<DuckDb>, signal: AbortSignal): Promise<number[]> {
  try {
    return await countRows(dataset.files, db, signal);
  } catch (error) {
    if (error instanceof TdError) throw error;
    throw new TdError(`${dataset.flag}: cannot read row counts: ${firstLine((error as Error).message)}`, dataset.remote ? EXIT.tempFail : EXIT.dataError, 'parquet');
  }
}

/** What became of one drawn trajectory: its turn records, or why it gives none. `line` places it in messages (JSONL line, or 1-based parquet row). */
type TrajectoryOutcome = { line: number } & ({ records: TurnRecord[] } | { failure: Failure; replay: Replay });

/** A line of a JSONL PR table that is no PR row, as a failure of the sample (it belongs to no trajectory). */
function badPrFailure(bad: BadPrLine): Sourced<never> {
  const replay = bad.rawBytes === undefined ? boundedRaw(bad.raw, Buffer.byteLength(bad.raw)) : { raw: bad.raw, rawBytes: bad.rawBytes };
  return { ok: false, failure: { kind: 'invalid', reason: 'bad-pr', message: `PR table: ${bad.message}` }, source: bad.file, line: bad.line, replay };
}

/**
 * The sampling loop. The whole sample is the first `count` turn records in draw order (windows in draw
 * order, rows ascending within a window, turns ascending within a trajectory), skipping trajectories
 * that are filtered out. A shard walks the same order (it must, to know where the whole sample ends)
 * and emits, and reports skips for, only the trajectories that hash to it.
 */
async function* sampleTurns(plan: SamplePlan, ctx: RunContext): AsyncGenerator<Sourced<TurnRecord>> {
  const { runtime } = ctx;
  const { options, space } = plan;
  const { shard } = options;
  const draw = new WindowDraw(space, options.seed, options.window);
  const perWindow = Math.min(options.window, space.total) * options.turnsPerTrajectory;
  const mine = (id: string): boolean => shard === undefined || hash32(id) % shard.count === shard.index - 1;
  runtime.stats.expected = shard === undefined ? options.count : Math.ceil(options.count / shard.count);
  let emitted = 0;

  while (emitted < options.count && !draw.exhausted) {
    if (ctx.stopSignal.aborted || ctx.signal.aborted) return;
    const windows = Math.max(1, Math.min(Math.ceil((options.count - emitted) / perWindow), Math.ceil(BATCH_ROWS / options.window)));
    const batch: RowRef[] = [];
    for (let w = 0; w < windows && !draw.exhausted; w++) {
      runtime.stats.add('windows');
      for (const global of draw.next()) batch.push(space.locate(global));
    }
    if (batch.length === 0) continue;
    runtime.stats.add('trajectories read', batch.length);

    let outcomes: TrajectoryOutcome[];
    try {
      outcomes = await decideBatch(plan, batch, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) return;
      // The bad PR lines found before the failure are still reported.
      for (const bad of plan.badPrLines.splice(0)) yield badPrFailure(bad);
      throw error;
    }
    for (const bad of plan.badPrLines.splice(0)) yield badPrFailure(bad);
    for (const [index, outcome] of outcomes.entries()) {
      if (ctx.stopSignal.aborted) return;
      const ref = batch[index]!;
      const file = plan.trajectories.files[ref.file]!;
      const ours = mine(trajectoryId({ file: file.name, row: ref.row }));
      if ('failure' in outcome) {
        if (ours) yield { ok: false, failure: outcome.failure, source: file.name, line: outcome.line, replay: outcome.replay };
        continue;
      }
      for (const record of outcome.records) {
        if (emitted >= options.count) break;
        emitted++;
        if (ours) yield { ok: true, record, source: file.name, line: outcome.line };
      }
      if (emitted >= options.count) break;
    }
  }
  if (emitted < options.count) {
    runtime.log.warn(`the data holds only ${emitted} turns that pass the filters; asked for ${options.count}`);
  }
}

/** Reads a batch of trajectories and their PRs and decides what becomes of each one, in batch order. */
async function decideBatch(plan: SamplePlan, batch: readonly RowRef[], signal: AbortSignal): Promise<TrajectoryOutcome[]> {
  const rows = await readBatch(plan, batch, signal);
  const { options, exclude } = plan;
  const drawn = batch.map((ref) => {
    const file = plan.trajectories.files[ref.file]!;
    const source: TurnSource = { file: file.name, row: ref.row };
    const row = rows.get(ref.file)?.get(ref.row);
    const parse = row?.value === undefined ? undefined : parseTrajectory(row.value);
    const turns =
      parse?.ok && !exclude.has(parse.trajectory.instance_id)
        ? pickTurns(trajectoryId(source), options.seed, eligibleTurns(parse.trajectory.messages), options.turnsPerTrajectory)
        : [];
    return { source, row, parse, turns };
  });

  // Only the PRs of trajectories that can still yield a turn are looked up.
  const wanted = new Set<string>();
  for (const { parse, turns } of drawn) if (parse?.ok && turns.length > 0) wanted.add(parse.trajectory.instance_id);
  const prs = await readPrs(plan, [...wanted], signal);

  return drawn.map(({ source, row, parse, turns }): TrajectoryOutcome => {
    const id = trajectoryId(source);
    const line = row?.line ?? source.row + 1;
    const skip = (kind: Failure['kind'], reason: string, message: string, replay: Replay): TrajectoryOutcome => ({ line, failure: { kind, reason, message }, replay });
    if (row === undefined) return skip('invalid', 'bad-trajectory', `row ${source.row} of ${source.file} could not be read`, { record: { id, source } });
    if (parse === undefined) {
      const raw = row.raw ?? '';
      const replay = row.rawBytes === undefined ? boundedRaw(raw, Buffer.byteLength(raw)) : { raw, rawBytes: row.rawBytes };
      return skip('invalid', 'bad-trajectory', row.error ?? 'unreadable row', replay);
    }
    if (!parse.ok) return skip('invalid', 'bad-trajectory', parse.message, { record: { id, source, ...row.value } });
    const trajectory = parse.trajectory;
    const summary = { id, instance_id: trajectory.instance_id, repo: trajectory.repo, source: { ...source, exit_status: trajectory.exit_status ?? null } };
    if (exclude.has(trajectory.instance_id)) {
      return skip('filtered', 'excluded', `instance ${trajectory.instance_id} is listed in ${options.exclude}`, { record: summary });
    }
    if (turns.length === 0) {
      const message = `no assistant turn to sample: no message after the task (of ${trajectory.messages.length}) is an assistant reply to a user message`;
      return skip('filtered', 'no-turn', message, { record: summary });
    }
    const pr = prs(trajectory.instance_id);
    if (pr === undefined) return skip('filtered', 'no-pr', `no PR row for instance ${trajectory.instance_id} in ${plan.prs.uri}`, { record: summary });
    if (!pr.ok) return skip('invalid', 'bad-pr', `PR row of ${trajectory.instance_id}: ${pr.message}`, { record: summary });
    const patchBytes = Buffer.byteLength(pr.pr.patch);
    if (options.maxPatchBytes !== undefined && patchBytes > options.maxPatchBytes) {
      const message = `the PR patch of ${trajectory.instance_id} is ${patchBytes} bytes, over --max-patch-bytes ${options.maxPatchBytes}`;
      return skip('filtered', 'oversized-pr', message, { record: summary });
    }
    return { line, records: turns.map((turn) => turnRecord(trajectory, source, turn, pr.pr)) };
  });
}

/** The batch's PR rows, deduplicated, each validated once when first asked for. */
async function readPrs(plan: SamplePlan, ids: string[], signal: AbortSignal): Promise<(instanceId: string) => ReturnType<typeof toPr> | undefined> {
  let rows: Map<string, Record<string, unknown>>;
  try {
    rows = await plan.prTable.rows(ids, signal);
  } catch (error) {
    if (error instanceof TdError || signal.aborted) throw error;
    throw new TdError(`--prs: cannot read PR rows: ${firstLine((error as Error).message)}`, plan.prs.remote ? EXIT.tempFail : EXIT.dataError, 'parquet');
  }
  const checked = new Map<string, ReturnType<typeof toPr>>();
  return (instanceId) => {
    const row = rows.get(instanceId);
    if (row === undefined) return undefined;
    let pr = checked.get(instanceId);
    if (pr === undefined) checked.set(instanceId, (pr = toPr(row)));
    return pr;
  };
}

/** Reads the batch's rows, one query (or JSONL pass) per file, files in parallel (DuckDB's pool bounds it). */
async function readBatch(plan: SamplePlan, batch: readonly RowRef[], signal: AbortSignal): Promise<Map<number, Map<number, TrajectoryRow>>> {
  const byFile = new Map<number, number[]>();
  for (const ref of batch) {
    const rows = byFile.get(ref.file);
    if (rows) rows.push(ref.row);
    else byFile.set(ref.file, [ref.row]);
  }
  const entries = await Promise.all(
    [...byFile].map(async ([fileIndex, rows]) => {
      const file = plan.trajectories.files[fileIndex]!;
      try {
        return [fileIndex, await readTrajectoryRows(file, rows, plan.db, signal)] as const;
      } catch (error) {
        if (error instanceof TdError || signal.aborted) throw error;
        const code = plan.trajectories.remote ? EXIT.tempFail : EXIT.dataError;
        throw new TdError(`--trajectories: cannot read rows of ${file.name}: ${firstLine((error as Error).message)}`, code, 'parquet');
      }
    }),
  );
  return new Map(entries);
}
