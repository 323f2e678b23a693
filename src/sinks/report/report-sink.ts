import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ScoredRecordSchema, type ScoredRecord } from '../../contract/scored.js';
import { withoutVolatile } from '../../contract/meta.js';
import { EXIT } from '../../core/exit-codes.js';
import { fileError, fileErrorReason } from '../../core/file-error.js';
import type { Failure } from '../../core/outcome.js';
import { internalFailure, schemaFailure, UniqueIds } from '../../core/record-checks.js';
import type { Item, StageRuntime } from '../../core/session.js';
import { TdError } from '../../core/td-error.js';
import { BatchedFiles } from './batched-files.js';
import { decideGate, signed, type Gate } from './gate.js';
import type { ReportOptions } from './options.js';
import { stageOutputDir } from './output-dir.js';
import { writeParquetExports } from './parquet.js';
import { stringifyWith } from './record-line.js';
import { buildReportModel, type Funnel } from './report-model.js';
import { bucketOf, ReportStats, turnRow, type TurnOutcome } from './report-stats.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { SUMMARY_FILE, summaryJson } from './summary.js';
import { dpoLine, sftLine } from './training-exports.js';

/** The JSONL files of DIR, one line per record (or per turn, for turns.jsonl). */
export const REPORT_FILES = ['final', 'refined', 'defeat', 'parse-fail', 'sft', 'dpo', 'turns'] as const;
type FileName = (typeof REPORT_FILES)[number];

/** What a finished report run concluded; also in DIR/duel.json and DIR/report.md. */
export interface ReportResult {
  dir: string;
  gate: Gate;
  funnel: Funnel;
}

export type ReportSink = Writable & {
  /** Set once the report is written and DIR replaced; undefined before, or after an interrupted run. */
  readonly result: ReportResult | undefined;
};

function asWriteError(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof TdError || typeof code !== 'string') return error;
  return fileError('cannot write', dir, error, EXIT.cantCreate);
}

/**
 * Resolves after one whole turn of the event loop, poll phase included. Ctrl-C reaches every process
 * of a pipe at once: the stage upstream dies of it and this one reads the end of its input, and the
 * kernel has delivered our own SIGINT by then, but Node runs its handler only in the next poll phase.
 * Deciding before that turn would take an interrupted pipe's partial input for the whole and replace DIR.
 */
function afterPendingSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/**
 * `td report` as a Writable of items: each scored record is validated, sorted into its bucket file,
 * exported for training when it qualifies, and reduced to a few numbers for the report. At the end
 * the gate is decided, duel.json, report.md and report.html are written, and DIR is swapped in whole.
 * An interrupted run (the stop signal fired) leaves the previous DIR as it was.
 */
export function createReportSink(options: ReportOptions, runtime: StageRuntime): ReportSink {
  const staged = stageOutputDir(options.out);
  const path = (name: string): string => join(staged.path, name);
  const files = new BatchedFiles<FileName>(
    Object.fromEntries(REPORT_FILES.map((name) => [name, path(`${name}.jsonl`)])) as Record<FileName, string>,
  );
  const stats = new ReportStats(options.tableRows);
  const ids = new UniqueIds();
  const redactor = runtime.session.redactor;
  let longestExport = 0;
  let result: ReportResult | undefined;
  let settled = false;

  /** The stage adapter's checks (contract, one vote per id, a bug kept on its record), then the record's bucket. */
  const handle = (item: Item): void => {
    runtime.stats.in++;
    const failure = schemaFailure(ScoredRecordSchema, item.record) ?? ids.check(item.record) ?? sortRecordSafely(item.record as ScoredRecord);
    if (failure) runtime.reject(failure, item, { record: item.record });
  };

  const sortRecordSafely = (record: ScoredRecord): Failure | undefined => {
    try {
      sortRecord(record);
      return undefined;
    } catch (error) {
      return internalFailure(runtime.stage, error);
    }
  };

  /** `record` is the original object, not zod's copy: unknown fields and key order stay as they were. */
  const sortRecord = (record: ScoredRecord): void => {
    const outcome: TurnOutcome = record.score === null ? 'parse-fail' : bucketOf(record.score, options);
    const clean = withoutVolatile(record);
    if (outcome === 'final') {
      const history = JSON.stringify(record.messages);
      files.add('final', redactor.applyKnown(stringifyWith(clean, { messages: history })) + '\n');
      const sft = redactor.applyKnown(sftLine(record, history));
      files.add('sft', sft);
      stats.counts.sft++;
      const dpo = dpoLine(record, history);
      if (dpo !== undefined) {
        files.add('dpo', redactor.applyKnown(dpo));
        stats.counts.dpo++;
      }
      longestExport = Math.max(longestExport, sft.length * 3, (dpo?.length ?? 0) * 3);
    } else {
      files.add(outcome, redactor.applyKnown(JSON.stringify(clean)) + '\n');
    }
    // Every valid record is written to one bucket file (parse-fail.jsonl too), so the summary balances: in = out + failed.
    runtime.stats.out++;
    const row = turnRow(record, outcome);
    stats.observe(record, row);
    files.add('turns', redactor.applyKnown(JSON.stringify(row)) + '\n');
  };

  const finish = async (): Promise<void> => {
    await files.close();
    const gate = decideGate(stats.preferences.values(), stats.counts['parse-fail'], options);
    const model = buildReportModel(stats, gate, { read: runtime.stats.in, invalid: runtime.stats.failed }, options);
    writeFileSync(path('duel.json'), redactor.apply(JSON.stringify(gate, null, 2)) + '\n');
    writeFileSync(path(SUMMARY_FILE), redactor.apply(summaryJson(model, stats.provenance.snapshot())));
    writeFileSync(path('report.md'), redactor.apply(renderMarkdown(model)));
    writeFileSync(path('report.html'), redactor.apply(renderHtml(model)));
    if (options.parquet) await writeParquetExports(staged.path, longestExport);
    staged.commit();
    result = { dir: staged.target, gate, funnel: model.funnel };
    const f = model.funnel;
    const bound = gate.margin_lower_bound === null ? 'no parsed turns' : `margin lower bound ${signed(gate.margin_lower_bound)}`;
    runtime.log.info(
      `final ${f.final}, refined ${f.refined}, defeat ${f.defeat}, parse-fail ${f.parse_fail}; sft ${f.sft}, dpo ${f.dpo}; ` +
        `gate ${gate.verdict} (${bound}); wrote ${staged.target}`,
    );
    if (gate.verdict === 'fail' && options.failOnGate) runtime.exitCode = EXIT.failed;
  };

  /** Drops this run's temp dir; never throws (it runs inside stream callbacks), DIR is untouched either way. */
  const abandon = (): void => {
    if (settled) return;
    settled = true;
    files.destroy();
    try {
      staged.discard();
    } catch (error) {
      // The next run sweeps a dead run's temp dir; say where it is meanwhile.
      runtime.log.warn(`cannot remove ${staged.path}: ${fileErrorReason(error)}`);
    }
  };

  /** At the end of input: write the report and swap DIR in, or leave DIR as it was after an interruption. */
  const settle = async (): Promise<void> => {
    await afterPendingSignals();
    if (runtime.stopSignal.aborted) {
      abandon();
      runtime.log.warn(`interrupted: ${staged.target} left as it was`);
      return;
    }
    try {
      await finish();
      settled = true;
    } catch (error) {
      abandon();
      throw error;
    }
  };

  const sink = new Writable({
    objectMode: true,
    highWaterMark: 64,
    write(item: Item, _encoding, callback) {
      handle(item);
      files.flush().then(() => callback(), (error: unknown) => callback(asWriteError(staged.target, error) as Error));
    },
    writev(chunks, callback) {
      for (const { chunk } of chunks) handle(chunk as Item);
      files.flush().then(() => callback(), (error: unknown) => callback(asWriteError(staged.target, error) as Error));
    },
    final(callback) {
      settle().then(
        () => callback(),
        (error: unknown) => callback(asWriteError(staged.target, error) as Error),
      );
    },
    destroy(error, callback) {
      abandon();
      callback(error);
    },
  });
  return Object.defineProperty(sink, 'result', { get: () => result }) as ReportSink;
}
