import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { internalFailure, recordId, schemaFailure, UniqueIds } from '../../src/core/record-checks.js';

describe('record checks shared by the stage adapter and td report', () => {
  it('rejects the second record with an id, and never a record without a string id', () => {
    const ids = new UniqueIds();
    expect([ids.check({ id: 'a' }), ids.check({ id: 'b' }), ids.check({ n: 1 }), ids.check({ n: 1 }), ids.check({ id: 7 }), ids.check(null)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(ids.check({ id: 'a', other: true })).toEqual({
      kind: 'invalid',
      reason: 'duplicate-id',
      message: 'id "a" was already passed on by an earlier record: one record per id',
    });
  });

  it('names each contract problem on one line, and passes a conforming record', () => {
    const schema = z.object({ id: z.string(), turn: z.number() });
    expect(schemaFailure(schema, { id: 'a', turn: 1 })).toBeUndefined();
    expect(schemaFailure(schema, { id: 3 })).toEqual({ kind: 'invalid', reason: 'schema', message: 'id: expected string, got 3 (number); turn: missing (expected number)' });
  });

  it('reports a bug on the record, whatever was thrown', () => {
    expect(internalFailure('report', new Error('boom'))).toEqual({ kind: 'rejected', reason: 'internal', message: 'td report failed unexpectedly: boom' });
    expect(internalFailure('king', 'a string').message).toBe('td king failed unexpectedly: a string');
  });

  it('reads a string id only', () => {
    expect([recordId({ id: 'x' }), recordId({ id: 1 }), recordId(undefined), recordId('id')]).toEqual(['x', undefined, undefined, undefined]);
  });
});
