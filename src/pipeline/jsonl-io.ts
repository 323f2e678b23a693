import { accessSync, constants, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { EXIT } from '../core/exit-codes.js';
import { fileError } from '../core/file-error.js';
import type { StageRuntime } from '../core/session.js';
import { createJsonlSink } from '../sinks/jsonl-sink.js';
import { createJsonlSource } from '../sources/jsonl-source.js';
import type { CommonOptions } from './common-options.js';

/** Fails with exit 66 before anything runs when an input file cannot be read. */
export function assertReadable(path: string | undefined): void {
  if (path === undefined || path === '-') return;
  try {
    accessSync(path, constants.R_OK);
    // A directory passes the access check and fails only at the first read. Not `isFile()`: a pipe
    // (`-i <(zcat x.gz)`) or a device is a fine input.
    if (statSync(path).isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
  } catch (error) {
    throw fileError('cannot read input', path, error, EXIT.noInput);
  }
}

/** JSONL records from `--input` or standard input; bad lines are failures of `runtime`'s stage, the one that reads them. */
export function jsonlInput(common: CommonOptions, runtime: StageRuntime): Readable {
  return createJsonlSource({ runtime, maxLineBytes: common.maxLineBytes, ...(common.input === undefined ? {} : { path: common.input }) });
}

/** JSONL records to `--output` or standard output; `onReaderGone` when the reader of the output went away (EPIPE). */
export function jsonlOutput(common: CommonOptions, onReaderGone?: () => void): Writable {
  return createJsonlSink({ ...(common.output === undefined ? {} : { path: common.output }), ...(onReaderGone === undefined ? {} : { onReaderGone }) });
}
