import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/core/json-depth.js';

const nested = (levels: number): string => `{"x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
const deeper = (text: string, limit?: number): boolean => nestsDeeperThan(Buffer.from(text), limit);

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, the top-level object as level 1, up to the limit and no further', () => {
    expect(deeper(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(deeper(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(deeper('{"a":{"b":[{"c":1}]},"d":[[]]}', 4)).toBe(false);
    expect(deeper('{"a":{"b":[{"c":1}]},"d":[[]]}', 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes and backslashes included', () => {
    expect(deeper(`{"s":"${'['.repeat(5000)}"}`)).toBe(false);
    expect(deeper(`{"s":"a\\"[[[[","t":"\\\\"}`, 1)).toBe(false);
    expect(deeper(`{"s":"\\\\","t":[1]}`, 1)).toBe(true);
    expect(deeper(`{"${'{'.repeat(3)}":1}`, 1)).toBe(false);
  });

  it('scans only the range asked for, in any number of strings', () => {
    const bytes = Buffer.from(`xx{"a":"]]]","b":[["q"]]}yy[[[`);
    expect(nestsDeeperThan(bytes, 3, 2, bytes.length - 5)).toBe(false);
    expect(nestsDeeperThan(bytes, 2, 2, bytes.length - 5)).toBe(true);
  });
});
