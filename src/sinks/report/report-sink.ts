import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScoredRecordSchema, type ScoredRecord } from '../../contract/scored.js';
import { EXIT } from '../../core/exit-codes.js';
import { fileErrorReason, writeFailure } from '../../core/file-error.js';
import type { StageRuntime } from '../../core/session.js';
import type { SinkStage } from '../../core/stage.js';
import { TdError } from '../../core/td-error.js';
import { BatchedFiles } from './batched-files.js';
import { decideGate, signed, type Gate } from './gate.js';
import { reviewLogText, ReviewMarks } from './marks.js';
import type { ReportOptions } from './options.js';
import { stageOutputDir } from './output-dir.js';
import { writeParquetExports } from './parquet.js';
import { bucketLine } from './record-line.js';
import { buildReportModel, type Funnel } from './report-model.js';
import { bucketOf, ReportStats, turnRow, type TurnOutcome } from './report-stats.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { SUMMARY_FILE, summaryJson } from './summary.js';
import { dpoLine, sftLine } from './training-exports.js';

/** The JSONL files of DIR, one line per record (or per turn, for turns.jsonl). */
export const REPORT_FILES = ['final', 'refined', 'defeat', 'parse-fail', 'sft', 'dpo', 'turns'] as const;
type FileName = (typeof REPORT_FILES)[number] | 'rejected';

/** What a finished report run concluded; also in DIR/duel.json and DIR/report.md. */
export interface ReportResult {
  dir: string;
  gate: Gate;
  funnel: Funnel;
}

function asWriteError(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof TdError || typeof code !== 'string') return error;
  return writeFailure('cannot write', dir, error);
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
 * `td report` as a sink stage: each scored record (the adapter has checked its contract and its id) is
 * sorted into its bucket file, exported for training when it qualifies, and reduced to a few numbers
 * for the report. At the end the gate is decided, duel.json, report.md and report.html are written, and
 * DIR is swapped in whole; the run resolves with what it concluded. An interrupted run (the stop signal
 * fired) leaves the previous DIR as it was and resolves with undefined. The output directory is staged
 * here, before any input is read, so a DIR that cannot be written stops the command first (exit 73).
 */
export function createReportSink(options: ReportOptions, runtime: StageRuntime): SinkStage<ScoredRecord, ReportResult | undefined> {
  // Read before DIR is staged: a bad marks file stops the run before anything is written.
  const review = options.marks === undefined ? undefined : ReviewMarks.load(options.marks);
  const staged = stageOutputDir(options.out);
  const path = (name: string): string => join(staged.path, name);
  const files = new BatchedFiles<FileName>(
    Object.fromEntries([...REPORT_FILES, ...(review ? ['rejected' as const] : [])].map((name) => [name, path(`${name}.jsonl`)])) as Record<FileName, string>,
  );
  const stats = new ReportStats(options.tableRows);
  const redactor = runtime.session.redactor;
  let longestExport = 0;
  let settled = false;

  /** `record` is the original object, not zod's copy; `raw` the line it was read from, when unchanged since (bucket files keep its bytes). */
  const sortRecord = (record: ScoredRecord, raw: string | undefined): void => {
    const scored: TurnOutcome = record.score === null ? 'parse-fail' : bucketOf(record.score, options);
    const outcome = review ? review.route(record.id, scored) : scored;
    if (outcome === 'final') {
      const history = JSON.stringify(record.messages);
      files.add('final', redactor.applyKnown(bucketLine(record, raw, { messages: history })) + '\n');
      const sft = redactor.applyKnown(sftLine(record, history));
      files.add('sft', sft);
      stats.counts.sft++;
      const dpo = dpoLine(record, history, options.finalMin);
      if (dpo !== undefined) {
        files.add('dpo', redactor.applyKnown(dpo));
        stats.counts.dpo++;
      }
      longestExport = Math.max(longestExport, sft.length * 3, (dpo?.length ?? 0) * 3);
    } else {
      // Every valid record is written to one bucket file (parse-fail.jsonl too), so the summary balances: in = out + failed.
      files.add(outcome, redactor.applyKnown(bucketLine(record, raw)) + '\n');
    }
    const row = turnRow(record, outcome, review?.markOf(record.id));
    stats.observe(record, row);
    files.add('turns', redactor.applyKnown(JSON.stringify(row)) + '\n');
  };

  const finish = async (): Promise<ReportResult> => {
    await files.close();
    const gate = decideGate(stats.preferences.values(), stats.parseFailed, { ...options, estimated: stats.estimated });
    // The adapter's counts: every record read, and those it rejected (contract, duplicate id).
    const model = buildReportModel(stats, gate, { read: runtime.stats.in, invalid: runtime.stats.failed }, options, review?.summary());
    writeFileSync(path('duel.json'), redactor.apply(JSON.stringify(gate, null, 2)) + '\n');
    writeFileSync(path(SUMMARY_FILE), redactor.apply(summaryJson(model, stats.provenance.snapshot())));
    writeFileSync(path('report.md'), redactor.apply(renderMarkdown(model)));
    writeFileSync(path('report.html'), redactor.apply(renderHtml(model)));
    if (options.parquet) await writeParquetExports(staged.path, longestExport);
    staged.commit();
    const f = model.funnel;
    // A failed gate says why, as duel.json does (the margin, the parsed fraction, or both); a passed one its margin.
    const bound = gate.verdict === 'fail' ? gate.reasons.join('; ') : `margin lower bound ${signed(gate.margin_lower_bound!)}`;
    runtime.log.info(
      `final ${f.final}, refined ${f.refined}, defeat ${f.defeat}, parse-fail ${f.parse_fail}; sft ${f.sft}, dpo ${f.dpo}; ` +
        (f.review ? reviewLogText(f.review) : '') +
        `gate ${gate.verdict} (${bound}); wrote ${staged.target}`,
    );
    if (gate.verdict === 'fail' && options.failOnGate) runtime.exitCode = EXIT.failed;
    return { dir: staged.target, gate, funnel: f };
  };

  /** Drops this run's temp dir; never throws, DIR is untouched either way. */
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

  return {
    input: ScoredRecordSchema,
    async run(records, ctx) {
      // Torn down (the run failed elsewhere) or past the grace period: nothing of this run will be kept.
      ctx.signal.addEventListener('abort', abandon, { once: true });
      try {
        for await (const record of records) {
          if (settled) continue;
          sortRecord(record, ctx.rawLine?.(record));
          await files.flush();
        }
        // At the end of input: write the report and swap DIR in, or leave DIR as it was after an interruption.
        await afterPendingSignals();
        if (ctx.stopSignal.aborted || settled) {
          abandon();
          runtime.log.warn(`interrupted: ${staged.target} left as it was`);
          return undefined;
        }
        const result = await finish();
        settled = true;
        return result;
      } catch (error) {
        abandon();
        throw asWriteError(staged.target, error);
      } finally {
        ctx.signal.removeEventListener('abort', abandon);
      }
    },
  };
}
