import { createWriteStream, type WriteStream } from 'node:fs';
import { BlockWriter, drained } from '../../core/block-writer.js';

/**
 * A set of output files written a block at a time (the shared `BlockWriter`). `flush()` writes every
 * full block and resolves once every file can take more (the destinations' backpressure is honoured, so
 * memory stays bounded at about one block per file plus the streams' own buffers).
 */
export class BatchedFiles<Name extends string> {
  private readonly files = new Map<Name, BlockWriter>();
  private failure: Error | undefined;

  constructor(paths: Record<Name, string>) {
    for (const [name, path] of Object.entries(paths) as Array<[Name, string]>) {
      const stream = createWriteStream(path, { highWaterMark: 1 << 20 });
      stream.on('error', (error) => (this.failure ??= error));
      this.files.set(name, new BlockWriter(stream));
    }
  }

  add(name: Name, text: string): void {
    this.files.get(name)!.add(text);
  }

  /** Writes the full blocks (with `partial`, everything added) and waits until every file can take more. */
  async flush(partial = false): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const file of this.files.values()) {
      if (!file.write(partial)) waits.push(drained(file.destination));
    }
    await Promise.all(waits);
    if (this.failure) throw this.failure;
  }

  /** Writes what is left and closes every file; resolves when all bytes are written. */
  async close(): Promise<void> {
    await this.flush(true);
    await Promise.all(
      [...this.files.values()].map(
        ({ destination }) =>
          new Promise<void>((resolve, reject) => {
            (destination as WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve()));
          }),
      ),
    );
    if (this.failure) throw this.failure;
  }

  /** Closes without waiting (after a failure or an interruption). */
  destroy(): void {
    for (const { destination } of this.files.values()) (destination as WriteStream).destroy();
  }
}
