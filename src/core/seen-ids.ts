/**
 * The record ids a stage has already passed on, so a second record with the same id can be rejected
 * (`duplicate-id`) instead of being worked on and counted twice (a duplicate doubles its weight in the
 * report's gate and repeats a training example).
 *
 * Memory: ids are not kept, only a 64-bit hash of each, in an open-addressing table of two Uint32Arrays
 * that doubles when three quarters full: 8 to 16 bytes per id (80-160 MB for ten million records),
 * against about 100 bytes per id for a `Set<string>`. Two different ids share a 64-bit hash with odds of
 * about n^2 / 2^65 (3 in a million for ten million ids); such a record would be rejected as a duplicate,
 * with its record in the errors file, never lost.
 */
export class SeenIds {
  private hi = new Uint32Array(INITIAL_CAPACITY);
  private lo = new Uint32Array(INITIAL_CAPACITY);
  private count = 0;

  /** Ids remembered. */
  get size(): number {
    return this.count;
  }

  /** Remembers `id`; returns false when it was already there. */
  add(id: string): boolean {
    const [hi, lo] = hash64(id);
    if (this.insert(hi, lo)) {
      this.count++;
      if (this.count * 4 > this.hi.length * 3) this.grow();
      return true;
    }
    return false;
  }

  private insert(hi: number, lo: number): boolean {
    const mask = this.hi.length - 1;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const slotHi = this.hi[slot]!;
      const slotLo = this.lo[slot]!;
      if (slotHi === 0 && slotLo === 0) {
        this.hi[slot] = hi;
        this.lo[slot] = lo;
        return true;
      }
      if (slotHi === hi && slotLo === lo) return false;
    }
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    for (let slot = 0; slot < hi.length; slot++) {
      if (hi[slot] !== 0 || lo[slot] !== 0) this.insert(hi[slot]!, lo[slot]!);
    }
  }
}

const INITIAL_CAPACITY = 1024;

/**
 * Two 32-bit multiply-xorshift hashes of the UTF-16 code units, cross-mixed at the end: fast on short
 * ids, and never 0/0 (that pair marks an empty slot).
 */
export function hash64(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 0x9e3779b1);
    h2 = Math.imul(h2 ^ code, 0x5f356495);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  const hi = h2 >>> 0;
  const lo = h1 >>> 0;
  return hi === 0 && lo === 0 ? [0, 1] : [hi, lo];
}

/** The failure message of a duplicate. */
export function duplicateIdMessage(id: string): string {
  const shown = id.length > 120 ? `${id.slice(0, 120)}…` : id;
  return `id ${JSON.stringify(shown)} was already passed on by an earlier record: one record per id`;
}
