import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../core/exit-codes.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { errorMessage, TdError } from '../core/td-error.js';
import { tdVersion } from '../core/version.js';
import { convertJsonlToParquet } from '../sinks/report/parquet.js';
import { renderCard, type CardConfig } from './card.js';
import { EXPORT_SPECS } from './exports.js';
import { digestFile, digestText, type FileDigest } from './file-digest.js';
import type { PushExport, PushOptions } from './options.js';
import type { ReportDir } from './report-dir.js';
import { TransferProgress, type ProgressSettings } from './transfer-progress.js';

/** JSON bytes per parquet row group at most (see buildTree). */
const ROW_GROUP_BYTES = 32 << 20;

/** One file of the commit: its path in the repository, where its bytes are, and what they hash to. */
export interface TreeFile {
  path: string;
  /** A local file holding the content (a report file, or a parquet file td converted). */
  local?: string;
  /** The content itself (the card). */
  text?: string;
  digest: FileDigest;
}

export interface PushTree {
  /** README.md first, then the data files in `PUSH_EXPORTS` order. */
  files: TreeFile[];
  configs: CardConfig[];
  card: string;
}

export interface TreeContext {
  /** Where parquet files are written (a temp dir, removed by the caller). */
  workDir: string;
  /** The token's bytes: a report file that holds them is refused, never published. */
  needle?: { bytes: Buffer; name: string };
  redactor: Redactor;
  log: Logger;
  progress: ProgressSettings;
  signal: AbortSignal;
}

/**
 * Decides what td push publishes: each included report file (JSONL as written, or converted to parquet
 * through DuckDB), skipping empty ones, plus README.md (the card). Every file is read once to hash it and
 * to check it does not hold the token.
 */
export async function buildTree(report: ReportDir, options: PushOptions, context: TreeContext): Promise<PushTree> {
  const sources = options.include.map((name) => ({ name, path: report.file(name) }));
  const digests = await digestAll(sources.map((source) => source.path), context);
  const published: Array<{ name: PushExport; local: string; digest: FileDigest }> = [];
  sources.forEach((source, index) => {
    const digest = digests[index]!;
    if (digest.containsNeedle) {
      throw new TdError(
        `${source.path} holds the value of the Hub token (${context.needle!.name}): refusing to publish it; rerun td report with ${context.needle!.name} set so that it is redacted`,
        EXIT.dataError,
        'invalid',
      );
    }
    if (digest.size === 0) context.log.warn(`${source.name}: no rows in ${source.name}.jsonl, so no ${source.name} config is published`);
    else published.push({ name: source.name, local: source.path, digest });
  });
  if (published.length === 0) throw new TdError(`nothing to publish: every included file of ${report.dir} is empty (--include ${options.include.join(',')})`, EXIT.dataError, 'invalid');

  const data: Array<{ name: PushExport; path: string; local: string; digest: FileDigest }> = [];
  if (options.format === 'parquet') {
    mkdirSync(join(context.workDir, 'data'), { recursive: true });
    const conversions = published.map(({ name, local }) => ({ source: local, target: join(context.workDir, 'data', `${name}.parquet`), ...(EXPORT_SPECS[name].parquetColumns ? { columns: EXPORT_SPECS[name].parquetColumns } : {}) }));
    const maxLineBytes = Math.max(...published.map((file) => file.digest.longestLine));
    context.log.info(`converting ${published.length} files to parquet`);
    // One thread: DuckDB then writes the same bytes for the same input, so a re-push of the same report changes nothing.
    // Row groups of at most ~32 MiB of JSON: DuckDB holds a group whole while writing it (its default of 122,880 rows
    // of 256 KB turns ran out of its 512 MB on a 200 MB file).
    const rowGroupRows = Math.min(122_880, Math.floor(ROW_GROUP_BYTES / Math.max(1, maxLineBytes)));
    try {
      await convertJsonlToParquet(conversions, { spillDir: join(context.workDir, '.duckdb-tmp'), maxLineBytes, threads: 1, rowGroupRows });
    } catch (error) {
      context.signal.throwIfAborted();
      throw new TdError(`cannot convert the report files to parquet: ${errorMessage(error).split('\n')[0]}`, EXIT.failed, 'parquet');
    }
    context.signal.throwIfAborted();
    const parquetDigests = await digestAll(conversions.map((conversion) => conversion.target), { ...context, needle: undefined });
    published.forEach(({ name }, index) => data.push({ name, path: `data/${name}.parquet`, local: conversions[index]!.target, digest: parquetDigests[index]! }));
  } else {
    for (const { name, local, digest } of published) data.push({ name, path: `data/${name}.jsonl`, local, digest });
  }

  const configs = data.map(({ name, path }) => ({ name, path, rows: EXPORT_SPECS[name].rows(report.summary) }));
  const card = context.redactor.apply(
    renderCard({ repo: options.repo, summary: report.summary, configs, format: options.format, license: options.license, sourceDatasets: options.sourceDatasets, tdVersion: tdVersion() }),
  );
  const files: TreeFile[] = [{ path: 'README.md', text: card, digest: digestText(card) }, ...data.map(({ path, local, digest }) => ({ path, local, digest }))];
  return { files, configs, card };
}

/** Digests files one after another with one progress line over their total size. */
async function digestAll(paths: readonly string[], context: Pick<TreeContext, 'needle' | 'progress' | 'signal'>): Promise<FileDigest[]> {
  const total = paths.reduce((sum, path) => sum + statSync(path).size, 0);
  const progress = new TransferProgress('hashing', total, context.progress);
  try {
    const digests: FileDigest[] = [];
    for (const path of paths) {
      digests.push(await digestFile(path, { ...(context.needle ? { needle: context.needle.bytes } : {}), onBytes: (bytes) => progress.add(bytes), signal: context.signal }));
    }
    return digests;
  } finally {
    progress.stop();
  }
}
