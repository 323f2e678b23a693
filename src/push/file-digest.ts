import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** What td push knows of a file after one streaming pass over it. */
export interface FileDigest {
  size: number;
  /** SHA-256 of the content: the LFS/Xet object id the Hub keeps for a large file. */
  sha256: string;
  /** Git's blob id (`sha1("blob SIZE\0" + content)`): the id the Hub keeps for a regular file. */
  gitSha1: string;
  /** Bytes of the longest line, newline excluded (DuckDB's per-line limit when converting JSONL). */
  longestLine: number;
  /** Whether `needle` (the Hub token) occurs anywhere in the content. */
  containsNeedle: boolean;
}

const CHUNK_BYTES = 1 << 20;

/**
 * Reads `path` once, 1 MiB at a time (memory does not grow with the file): both hashes, the longest line,
 * and whether the token's bytes occur, also across chunk boundaries. `onBytes` reports progress.
 */
export async function digestFile(path: string, options: { needle?: Buffer; onBytes?: (bytes: number) => void; signal?: AbortSignal } = {}): Promise<FileDigest> {
  const { size } = await stat(path);
  const sha256 = createHash('sha256');
  const gitSha1 = createHash('sha1').update(`blob ${size}\0`);
  const needle = options.needle !== undefined && options.needle.length > 0 ? options.needle : undefined;
  let tail = Buffer.alloc(0);
  let found = false;
  let longestLine = 0;
  let lineLength = 0;
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES, ...(options.signal ? { signal: options.signal } : {}) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    sha256.update(chunk);
    gitSha1.update(chunk);
    if (needle && !found) {
      // The boundary window: the previous chunk's last needle-1 bytes with this chunk's first needle-1.
      const window = Buffer.concat([tail, chunk.subarray(0, needle.length - 1)]);
      found = window.includes(needle) || chunk.includes(needle);
      const keep = needle.length - 1;
      const joined = chunk.length >= keep ? chunk : Buffer.concat([tail, chunk]);
      tail = Buffer.from(joined.subarray(joined.length - Math.min(keep, joined.length)));
    }
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      longestLine = Math.max(longestLine, lineLength + newline - start);
      lineLength = 0;
      start = newline + 1;
    }
    lineLength += chunk.length - start;
    options.onBytes?.(chunk.length);
  }
  longestLine = Math.max(longestLine, lineLength);
  return { size, sha256: sha256.digest('hex'), gitSha1: gitSha1.digest('hex'), longestLine, containsNeedle: found };
}

/** The same digest for text held in memory (the dataset card). */
export function digestText(text: string, needle?: Buffer): FileDigest {
  const bytes = Buffer.from(text, 'utf8');
  const lines = text.split('\n').map((line) => Buffer.byteLength(line));
  return {
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    gitSha1: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
    longestLine: Math.max(0, ...lines),
    containsNeedle: needle !== undefined && needle.length > 0 && bytes.includes(needle),
  };
}
