import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * A set of output files written a batch at a time: text is collected per file while a batch of
 * records is handled, then written with one `write` per file. `flush()` resolves once every file
 * can take more (the destination's backpressure is honoured, so memory stays bounded).
 */
export class BatchedFiles<Name extends string> {
  private readonly streams = new Map<Name, WriteStream>();
  private readonly pending = new Map<Name, string>();
  private failure: Error | undefined;

  constructor(paths: Record<Name, string>) {
    for (const [name, path] of Object.entries(paths) as Array<[Name, string]>) {
      const stream = createWriteStream(path, { highWaterMark: 1 << 20 });
      stream.on('error', (error) => (this.failure ??= error));
      this.streams.set(name, stream);
      this.pending.set(name, '');
    }
  }

  add(name: Name, text: string): void {
    this.pending.set(name, this.pending.get(name)! + text);
  }

  async flush(): Promise<void> {
    const waits: Array<Promise<unknown>> = [];
    for (const [name, text] of this.pending) {
      if (text === '') continue;
      this.pending.set(name, '');
      const stream = this.streams.get(name)!;
      if (!stream.write(text)) waits.push(Promise.race([once(stream, 'drain'), once(stream, 'close')]));
    }
    await Promise.all(waits);
    if (this.failure) throw this.failure;
  }

  /** Flushes and closes every file; resolves when all bytes are on disk (in the page cache). */
  async close(): Promise<void> {
    await this.flush();
    await Promise.all(
      [...this.streams.values()].map(
        (stream) =>
          new Promise<void>((resolve, reject) => {
            stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
          }),
      ),
    );
    if (this.failure) throw this.failure;
  }

  /** Closes without waiting (after a failure or an interruption). */
  destroy(): void {
    for (const stream of this.streams.values()) stream.destroy();
  }
}
