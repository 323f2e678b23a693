import type { z } from 'zod';
import type { Failure } from './outcome.js';
import { duplicateIdMessage, SeenIds } from './seen-ids.js';
import { errorMessage } from './td-error.js';
import { formatZodError } from './zod-format.js';

/**
 * The checks every consumer of records makes before working on one, shared by the stage adapter
 * (`runTransform`) and the sinks that consume records themselves (td report): the record's contract, one
 * record per id, and a bug reported on the record instead of killing the run. Each returns the
 * Failure to reject the record with, or undefined when the record may go on.
 */

/** A record's string `id`, if it has one. */
export function recordId(record: unknown): string | undefined {
  const id = (record as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** A record that breaks the input contract: `schema` (kind invalid), every problem on one line. */
export function schemaFailure(schema: z.ZodType, record: unknown): Failure | undefined {
  const checked = schema.safeParse(record, { reportInput: true });
  return checked.success ? undefined : { kind: 'invalid', reason: 'schema', message: formatZodError(checked.error) };
}

/** What a stage that threw (a bug: a core must not) reports on the record it was working on. */
export function internalFailure(stage: string, error: unknown): Failure {
  return { kind: 'rejected', reason: 'internal', message: `td ${stage} failed unexpectedly: ${errorMessage(error)}` };
}

/**
 * One record per id: a repeated id would be worked on and counted twice (it doubles its weight in the
 * report's gate and repeats a training example).
 */
export class UniqueIds {
  private readonly seen = new SeenIds();

  /** Remembers the record's id; `duplicate-id` (kind invalid) when it was passed before. A record without a string id always passes. */
  check(record: unknown): Failure | undefined {
    const id = recordId(record);
    if (id === undefined || this.seen.add(id)) return undefined;
    return { kind: 'invalid', reason: 'duplicate-id', message: duplicateIdMessage(id) };
  }
}
