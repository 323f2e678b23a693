import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseAssigned, type Assigned } from '../../src/pipeline/assigned-options.js';

const where = { file: 'p.toml', line: 1, table: 'x' };

describe('parseAssigned', () => {
  it('hands a key named __proto__ to the schema as a key, which names it', () => {
    const assigned = new Map<string, Assigned>([
      ['count', { value: 2, origin: { kind: 'file', file: 'p.toml', line: 2, table: 'x', key: 'count' } }],
      ['__proto__', { value: { count: 5 }, origin: { kind: 'set', text: 'x.__proto__=1' } }],
    ]);
    const parsed = parseAssigned(z.strictObject({ count: z.number() }), assigned, where);
    expect(parsed).toEqual({ ok: false, problems: [expect.objectContaining({ line: 'p.toml:1: [x]: unknown key "__proto__", got an object' })] });
  });
});
