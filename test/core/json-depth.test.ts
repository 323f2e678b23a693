import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, valueNestsDeeperThan } from '../../src/core/json-depth.js';

const nested = (levels: number): unknown => JSON.parse(`{"x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`);

describe('valueNestsDeeperThan', () => {
  it('counts arrays and objects, the top-level value as level 1, up to the limit and no further', () => {
    expect(valueNestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(valueNestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    const wide = { a: { b: [{ c: 1 }] }, d: [[]], e: 'x', f: null };
    expect(valueNestsDeeperThan(wide, 4)).toBe(false);
    expect(valueNestsDeeperThan(wide, 3)).toBe(true);
    expect(valueNestsDeeperThan('flat', 0)).toBe(false);
  });

  it('measures a value far too deep to serialise without overflowing the stack', () => {
    expect(valueNestsDeeperThan(nested(1_000_000))).toBe(true);
  });
});
