/**
 * A stage's core never throws: every record ends as an Outcome. A failure is a value that names a
 * reason (a short stable code such as `format` or `no-pr`), a human message, and a kind that decides
 * both the process exit code and whether a rerun can help.
 */

/**
 * - `invalid`: the input itself is wrong (bad JSON, breaks the record contract). Exit 65.
 * - `transient`: the world failed (network, rate limit, timeout, interrupted); a rerun resumes it. Exit 75.
 * - `rejected`: the work was done but its result is unusable (a malformed model reply after every attempt). Exit 1.
 * - `filtered`: a rule the user asked for left the record out (`--exclude`, `--reject-leaks`). Exit 0.
 * - `config`: the setup is wrong and nothing can succeed until the user acts (the endpoint refused the
 *   API key: 401/402/403). Exit 78, so a retry-on-75 script does not loop on a bad key.
 */
export type FailureKind = 'invalid' | 'transient' | 'rejected' | 'filtered' | 'config';

export interface Failure {
  kind: FailureKind;
  /** Short stable code, e.g. `parse`, `schema`, `format`, `excluded`, `http-429`. */
  reason: string;
  /** One readable line: "what: rule, got value". Never holds secrets (it is redacted again on output). */
  message: string;
}

export type Outcome<R> = { ok: true; record: R } | { ok: false; failure: Failure };

export function ok<R>(record: R): Outcome<R> {
  return { ok: true, record };
}

export function fail(kind: FailureKind, reason: string, message: string): Outcome<never> {
  return { ok: false, failure: { kind, reason, message } };
}
