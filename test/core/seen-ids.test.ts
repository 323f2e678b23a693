import { describe, expect, it } from 'vitest';
import { hash64, SeenIds } from '../../src/core/seen-ids.js';

describe('SeenIds', () => {
  it('answers true for a new id and false for one seen before, across table growth', () => {
    const seen = new SeenIds();
    const ids = Array.from({ length: 20_000 }, (_, i) => `train-${i % 7}.parquet:${i}:t${i % 13}`);
    expect(ids.every((id) => seen.add(id))).toBe(true);
    expect(seen.size).toBe(20_000);
    expect(ids.filter((id) => seen.add(id))).toEqual([]);
    expect(seen.add('train-0.parquet:20000:t6')).toBe(true);
    expect(seen.size).toBe(20_001);
  });

  it('tells apart ids that differ in one character, in order or in non-Latin-1 text', () => {
    const seen = new SeenIds();
    for (const id of ['ab', 'ba', 'a', 'b', '', 'λ', ' λ', 'x:1:t4', 'x:1:t5', 'x:10:t4', 'x:1:t40']) expect(seen.add(id), id).toBe(true);
  });

  it('spreads 100,000 ids over distinct 64-bit hashes', () => {
    const hashes = new Set(Array.from({ length: 100_000 }, (_, i) => hash64(`data/train-00000.parquet:${i}:t4`).join(':')));
    expect(hashes.size).toBe(100_000);
  });
});
