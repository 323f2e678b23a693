import { describe, expect, test } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/core/exit-codes.js';
import type { FailureKind } from '../../src/core/outcome.js';

describe('exitCodeFor', () => {
  test.each<[FailureKind[], number]>([
    [[], EXIT.ok],
    [['filtered'], EXIT.ok],
    [['rejected', 'filtered'], EXIT.failed],
    [['invalid', 'rejected'], EXIT.dataError],
    [['transient', 'invalid', 'rejected'], EXIT.tempFail],
    // A refused key outranks everything: a script that reruns on 75 would otherwise loop on a bad key.
    [['config', 'transient', 'invalid', 'rejected', 'filtered'], EXIT.config],
  ])('%j exits %i', (kinds, code) => {
    expect(exitCodeFor(new Set(kinds))).toBe(code);
  });
});
