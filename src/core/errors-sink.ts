import { closeSync, openSync, writeSync } from 'node:fs';
import { EXIT } from './exit-codes.js';
import { fileError, writeFailure } from './file-error.js';
import type { FailureKind } from './outcome.js';
import type { Logger } from './logger.js';
import type { Redactor } from './redact.js';

/** Longest raw line kept in an errors entry; a longer one keeps its head and says how long it was. */
export const MAX_RAW_CHARS = 1 << 20;
/** After this many stderr lines for one reason, further ones go only to the errors file. */
export const STDERR_LINES_PER_REASON = 200;

/** One rejected input: enough to find it (source, line, id), understand it (reason, error) and replay it (raw or record). */
export interface ErrorEntry {
  stage: string;
  kind: FailureKind;
  reason: string;
  /** Input file name, or `<stdin>`. */
  source: string;
  /** 1-based line in `source`; for a parquet row (td sample), its 1-based row number; 0 when neither applies. */
  line: number;
  id?: string;
  error: string;
  /** The offending line, when it could not be parsed. */
  raw?: string;
  rawBytes?: number;
  /** The parsed input record, when it was valid JSON: feed these back to rerun the failures. */
  record?: unknown;
}

export interface ErrorSink {
  report(entry: ErrorEntry): void;
  close(): void;
}

export interface ErrorSinkOptions {
  /** Appended to, one JSON object per line; omitted: stderr only. */
  path?: string;
  log: Logger;
  redactor: Redactor;
}

/**
 * Writes each rejected input as one `\n`-terminated JSON line with a single synchronous append, so
 * several td processes in one unix pipe can share one errors file and a crash never leaves half a line.
 */
export function createErrorSink(options: ErrorSinkOptions): ErrorSink {
  let fd = options.path === undefined ? undefined : openErrorsFile(options.path);
  const printed = new Map<string, number>();
  return {
    report(entry) {
      const shown = (printed.get(entry.reason) ?? 0) + 1;
      printed.set(entry.reason, shown);
      if (shown <= STDERR_LINES_PER_REASON) {
        options.log.line(`${entry.source}:${entry.line}: ${entry.reason}: ${entry.error} (td ${entry.stage})`);
      } else if (shown === STDERR_LINES_PER_REASON + 1) {
        const where = fd === undefined ? 'counted in the summary' : `written to ${options.path}`;
        options.log.line(`td ${entry.stage}: further '${entry.reason}' failures are ${where} only`);
      }
      if (fd === undefined) return;
      try {
        writeSync(fd, entryLine(entry, options.redactor) + '\n');
      } catch (error) {
        // Said once and fatal (the run stops: a failure could no longer be kept); what comes after goes to stderr only.
        closeSync(fd);
        fd = undefined;
        throw writeFailure('cannot write errors file', options.path!, error, EXIT.ioError);
      }
    },
    close() {
      // A record aborted after the run ended (its stage torn down when the reader went away) may still
      // be reported: it goes to stderr only. Writing to the closed descriptor would fail, or worse, land
      // in whatever file reused its number.
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** The fields that carry the input itself, to replay it: data, not td's words. */
const REPLAY_FIELDS: ReadonlySet<string> = new Set(['raw', 'rawBytes', 'record']);

/**
 * One entry as JSON, keys in their order. td's own words (the message, which may quote a server's
 * reply) get the full redactor; the replay fields only lose the known secret values: a history that
 * legitimately holds `sk-...` text must replay as it was read.
 */
function entryLine(entry: ErrorEntry, redactor: Redactor): string {
  const words: Record<string, unknown> = {};
  const replay: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) (REPLAY_FIELDS.has(key) ? replay : words)[key] = value;
  const head = redactor.apply(JSON.stringify(words));
  if (Object.keys(replay).length === 0) return head;
  return `${head.slice(0, -1)},${redactor.applyKnown(JSON.stringify(replay).slice(1))}`;
}

/** Opens `--errors` at start-up: a path that cannot be written is a one-line error (exit 73) before any input is read. */
function openErrorsFile(path: string): number {
  try {
    return openSync(path, 'a');
  } catch (error) {
    throw fileError('cannot write errors file', path, error, EXIT.cantCreate);
  }
}

/** Cuts an over-long raw line so one bad 60 MB line cannot make a 60 MB errors entry. */
export function boundedRaw(raw: string, bytes: number): Pick<ErrorEntry, 'raw' | 'rawBytes'> {
  if (raw.length <= MAX_RAW_CHARS) return { raw };
  return { raw: raw.slice(0, MAX_RAW_CHARS), rawBytes: bytes };
}
