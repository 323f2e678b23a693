import { createHash } from 'node:crypto';

/**
 * td's seeded randomness, in one place. Every seed is derived from SHA-256 of a text key (the seed and
 * the names involved), so a draw never depends on Math.random, the platform or the run's timing: the
 * same arguments give the same bytes on any machine.
 *
 * Two generators, each pinned by outputs already written (changing either would change them):
 * - {@link Sfc32}: `td sample`'s windows and turn picks (128-bit state, seeded from a key);
 * - {@link seededRandom} (mulberry32, re-exported from `bootstrap.ts`): the percentile bootstrap of
 *   `td judge` and `td report`, whose hot loop inlines it (58 million draws for 29k turns).
 */

export { seededRandom } from './bootstrap.js';

function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** The first 16 bytes of SHA-256(`key`), as four little-endian 32-bit words for {@link Sfc32}. */
function seedWords(key: string): [number, number, number, number] {
  const digest = keyDigest(key);
  return [digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12)];
}

/** A 32-bit hash of `key`: the first word of {@link Sfc32}'s seed (`td sample --shard` assigns trajectories by it). */
export function hash32(key: string): number {
  return keyDigest(key).readUInt32LE(0);
}

/**
 * A 32-bit seed for {@link seededRandom} from a text key: the first 4 bytes of SHA-256(`key`), read
 * big-endian (as `td judge` has always read them: its per-record bounds are pinned by this).
 */
export function seedFromKey(key: string): number {
  return keyDigest(key).readUInt32BE(0);
}

/**
 * SFC32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, passes PractRand,
 * and is trivially reproducible in any language from the description, which matters more here than speed.
 */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(key: string) {
    [this.a, this.b, this.c, this.d] = seedWords(key);
    // Discard the first outputs so that close keys do not start from correlated states.
    for (let i = 0; i < 12; i++) this.next32();
  }

  /** A uniform unsigned 32-bit integer. */
  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform integer in [0, bound), without modulo bias (rejection sampling); `bound` up to 2^53. */
  below(bound: number): number {
    if (!Number.isSafeInteger(bound) || bound < 1) throw new RangeError(`Expected \`bound\` to be a safe integer from 1 and up, got \`${bound}\``);
    if (bound <= 0x1_0000_0000) {
      const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
      for (;;) {
        const x = this.next32();
        if (x < limit) return x % bound;
      }
    }
    // 53 random bits: 21 high + 32 low.
    const span = 2 ** 53;
    const limit = span - (span % bound);
    for (;;) {
      const x = (this.next32() & 0x1f_ffff) * 0x1_0000_0000 + this.next32();
      if (x < limit) return x % bound;
    }
  }

  /** `k` distinct values of `items` (or all of them when there are fewer), in ascending index order. */
  pick<T>(items: readonly T[], k: number): T[] {
    const indexes = items.map((_, i) => i);
    const take = Math.min(k, indexes.length);
    // Partial Fisher-Yates: the first `take` slots end up a uniform draw without replacement.
    for (let i = 0; i < take; i++) {
      const j = i + this.below(indexes.length - i);
      [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
    }
    return indexes
      .slice(0, take)
      .sort((x, y) => x - y)
      .map((i) => items[i]!);
  }
}
