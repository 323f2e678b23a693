import { closeSync, openSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Full-text search without holding the texts: while indexing, each turn's id, instance, repo and
 * replies (lower-cased) are appended to a scratch file; a search scans that file a few MB at a time
 * with `Buffer.indexOf` and marks the turns whose text holds the term. Memory stays at one read
 * buffer and 8 bytes a turn; a scan of 100,000 turns' replies takes a fraction of a second, and the
 * last terms' results are kept so paging through them does not scan again.
 */

const BLOCK_BYTES = 1 << 20;
const READ_BYTES = 4 << 20;
const CACHED_TERMS = 16;

/** The terms of a query: words, or "quoted phrases", lower-cased. */
export function searchTerms(query: string): string[] {
  const terms: string[] = [];
  for (const match of query.toLowerCase().matchAll(/"([^"]*)"|(\S+)/g)) {
    const term = (match[1] ?? match[2] ?? '').trim();
    if (term !== '') terms.push(term);
  }
  return terms;
}

export class SearchFile {
  private writeFd: number | undefined;
  private readHandle: FileHandle | undefined;
  private block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  private written = 0;
  private starts = new Float64Array(1024);
  private count = 0;
  private readonly cache = new Map<string, Uint8Array>();

  constructor(readonly path: string) {
    this.writeFd = openSync(path, 'w', 0o600);
  }

  /** Appends the text of the next turn (ordinals are added in order, from 0). */
  add(text: string): void {
    if (this.count + 1 >= this.starts.length) {
      const grown = new Float64Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.count++] = this.written + this.used;
    // A newline after each turn: no term (words hold no whitespace) can span two turns.
    const line = text + '\n';
    if (line.length * 3 > BLOCK_BYTES - this.used) {
      this.flush();
      if (line.length * 3 > BLOCK_BYTES) {
        const bytes = Buffer.from(line);
        writeSync(this.writeFd!, bytes);
        this.written += bytes.length;
        return;
      }
    }
    this.used += this.block.write(line, this.used);
  }

  private flush(): void {
    if (this.used === 0) return;
    writeSync(this.writeFd!, this.block, 0, this.used);
    this.written += this.used;
    this.used = 0;
  }

  /** Ends writing; searches may start. */
  async finish(): Promise<void> {
    this.flush();
    closeSync(this.writeFd!);
    this.writeFd = undefined;
    this.block = Buffer.alloc(0);
    this.starts[this.count] = this.written;
    this.readHandle = await open(this.path, 'r');
  }

  /** One byte per turn, 1 where the turn's text holds every term. */
  async search(terms: readonly string[]): Promise<Uint8Array> {
    let result: Uint8Array | undefined;
    for (const term of terms) {
      const hits = await this.searchTerm(term);
      if (result === undefined) result = hits.slice();
      else for (let i = 0; i < result.length; i++) result[i]! &= hits[i]!;
    }
    return result ?? new Uint8Array(this.count).fill(1);
  }

  private async searchTerm(term: string): Promise<Uint8Array> {
    const cached = this.cache.get(term);
    if (cached) {
      this.cache.delete(term);
      this.cache.set(term, cached);
      return cached;
    }
    const hits = await this.scan(Buffer.from(term));
    this.cache.set(term, hits);
    if (this.cache.size > CACHED_TERMS) this.cache.delete(this.cache.keys().next().value!);
    return hits;
  }

  private async scan(needle: Buffer): Promise<Uint8Array> {
    const hits = new Uint8Array(this.count);
    const handle = this.readHandle;
    if (handle === undefined) throw new Error('search before the index was finished');
    let buffer = Buffer.allocUnsafe(READ_BYTES);
    for (let first = 0; first < this.count; ) {
      // Whole turns only, so a match never straddles two reads.
      let last = first + 1;
      while (last < this.count && this.starts[last + 1]! - this.starts[first]! <= READ_BYTES) last++;
      const from = this.starts[first]!;
      const length = this.starts[last]! - from;
      if (length > buffer.length) buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, from);
      const bytes = buffer.subarray(0, bytesRead);
      let turn = first;
      for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at)) {
        while (turn + 1 < last && this.starts[turn + 1]! - from <= at) turn++;
        hits[turn] = 1;
        at = this.starts[turn + 1]! - from;
      }
      first = last;
    }
    return hits;
  }

  /** Forgets cached results (nothing on disk changes: the texts are fixed once indexed). */
  async close(): Promise<void> {
    if (this.writeFd !== undefined) closeSync(this.writeFd);
    this.writeFd = undefined;
    await this.readHandle?.close();
    this.readHandle = undefined;
    this.cache.clear();
  }
}
