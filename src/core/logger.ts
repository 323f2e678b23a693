import type { Redactor } from './redact.js';
import { forTerminal } from './terminal-text.js';

/**
 * Writes human-readable lines to stderr (stdout carries data only), redacted, and one line each: any
 * control character in a line (a quoted input, a file name) is escaped (see forTerminal).
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Raw write of an already formatted line (progress, summaries). */
  line(text: string): void;
}

export interface LoggerOptions {
  redactor: Redactor;
  /** Suppresses info lines; warnings and errors still print. @default false */
  quiet?: boolean;
  /** @default process.stderr */
  stream?: NodeJS.WritableStream;
  /** Prefix such as `td king`. */
  prefix?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? process.stderr;
  const prefix = options.prefix ? `${options.prefix}: ` : '';
  const write = (text: string): void => {
    try {
      stream.write(forTerminal(options.redactor.apply(text)) + '\n');
    } catch {
      // stderr closed: nothing sensible left to do with a log line.
    }
  };
  return {
    info: (message) => {
      if (!options.quiet) write(prefix + message);
    },
    warn: (message) => write(`${prefix}warning: ${message}`),
    error: (message) => write(`${prefix}error: ${message}`),
    line: write,
  };
}

/** A logger that drops everything; for library use and tests. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, line() {} };
