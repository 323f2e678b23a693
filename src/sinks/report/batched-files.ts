import { createWriteStream, type WriteStream } from 'node:fs';

/** Bytes collected per file before they are handed to the file stream. */
const BLOCK_BYTES = 1 << 20;

/**
 * One output file: text is UTF-8-encoded straight into a 1 MiB block as it comes, and full blocks go
 * to the stream. Encoding line by line into a block is several times cheaper than concatenating lines
 * into one string and encoding that (the concatenation is flattened, i.e. copied, before encoding).
 */
class BlockFile {
  private block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  private readonly full: Buffer[] = [];

  constructor(readonly stream: WriteStream) {}

  add(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; count exactly only when that bound does not fit.
    if (text.length * 3 > BLOCK_BYTES - this.used) {
      const bytes = Buffer.byteLength(text);
      if (bytes > BLOCK_BYTES - this.used) {
        this.seal();
        if (bytes > BLOCK_BYTES) {
          this.full.push(Buffer.from(text));
          return;
        }
      }
    }
    this.used += this.block.write(text, this.used);
  }

  /** Moves the current block (if it holds anything) to the full ones and starts a new one. */
  seal(): void {
    if (this.used === 0) return;
    this.full.push(this.block.subarray(0, this.used));
    this.block = Buffer.allocUnsafe(BLOCK_BYTES);
    this.used = 0;
  }

  /** Writes the full blocks; false when the stream asks to wait for `drain`. */
  writeFull(): boolean {
    let ready = true;
    for (const buffer of this.full) ready = this.stream.write(buffer) && ready;
    this.full.length = 0;
    return ready;
  }
}

/**
 * A set of output files written a block at a time. `flush()` writes every full block and resolves
 * once every file can take more (the destinations' backpressure is honoured, so memory stays bounded
 * at about one block per file plus the streams' own buffers).
 */
export class BatchedFiles<Name extends string> {
  private readonly files = new Map<Name, BlockFile>();
  private failure: Error | undefined;

  constructor(paths: Record<Name, string>) {
    for (const [name, path] of Object.entries(paths) as Array<[Name, string]>) {
      const stream = createWriteStream(path, { highWaterMark: 1 << 20 });
      stream.on('error', (error) => (this.failure ??= error));
      this.files.set(name, new BlockFile(stream));
    }
  }

  add(name: Name, text: string): void {
    this.files.get(name)!.add(text);
  }

  async flush(): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const file of this.files.values()) {
      if (!file.writeFull()) waits.push(drained(file.stream));
    }
    await Promise.all(waits);
    if (this.failure) throw this.failure;
  }

  /** Writes what is left and closes every file; resolves when all bytes are written. */
  async close(): Promise<void> {
    for (const file of this.files.values()) file.seal();
    await this.flush();
    await Promise.all(
      [...this.files.values()].map(
        ({ stream }) =>
          new Promise<void>((resolve, reject) => {
            stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
          }),
      ),
    );
    if (this.failure) throw this.failure;
  }

  /** Closes without waiting (after a failure or an interruption). */
  destroy(): void {
    for (const { stream } of this.files.values()) stream.destroy();
  }
}

/** Resolves on `drain`, or on `close` after an error (which `flush` then reports); leaves no listener behind. */
function drained(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
