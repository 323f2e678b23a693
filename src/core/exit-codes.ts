import type { FailureKind } from './outcome.js';

/** Exit codes follow BSD sysexits where one fits, so scripts can tell "retry" from "fix your input". */
export const EXIT = {
  ok: 0,
  /** Some records failed permanently (e.g. a malformed model reply after every attempt). */
  failed: 1,
  /** Bad command line or option value. */
  usage: 64,
  /** Some input lines or records were invalid (bad JSON, contract violations). */
  dataError: 65,
  /** An input file does not exist or cannot be read. */
  noInput: 66,
  /** A bug or an unexpected crash. */
  software: 70,
  /** An output file or directory cannot be created (permissions, a missing directory): checked before any input is read. */
  cantCreate: 73,
  /** An output opened fine could not be written (disk full, quota, an I/O error): EX_IOERR. */
  ioError: 74,
  /** Some records failed for transient reasons; a rerun resumes them (the request cache keeps what is done). */
  tempFail: 75,
  /** Configuration is missing or wrong (no API key, bad pipeline file). */
  config: 78,
  /** Interrupted by SIGINT (128 + 2). */
  interrupted: 130,
} as const;

/**
 * The most actionable code wins: a configuration the user must fix first (a rerun cannot help until then),
 * then transient failures a rerun can fix, then bad input, then the rest.
 */
export function exitCodeFor(kinds: ReadonlySet<FailureKind>): number {
  if (kinds.has('config')) return EXIT.config;
  if (kinds.has('transient')) return EXIT.tempFail;
  if (kinds.has('invalid')) return EXIT.dataError;
  if (kinds.has('rejected')) return EXIT.failed;
  return EXIT.ok;
}
