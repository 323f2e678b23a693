/**
 * The writable side of a stream as an async iterable with one consumer: each write completes when the
 * consumer pulls it (that is the backpressure). `end()` ends the iteration; `fail(error)` makes it throw,
 * for a stream torn down before its input ended (its consumer must not take that for the end).
 */
export class WriteQueue<T> implements AsyncIterable<T> {
  private readonly items: Array<{ value: T; done: () => void }> = [];
  private ended = false;
  private failure: { error: Error } | undefined;
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: Error) => void } | undefined;

  push(value: T, done: () => void): void {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      done();
      waiting.resolve({ value, done: false });
      return;
    }
    this.items.push({ value, done });
  }

  end(): void {
    this.ended = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
  }

  fail(error: Error): void {
    this.failure ??= { error };
    this.items.length = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.failure) return Promise.reject(this.failure.error);
        const item = this.items.shift();
        if (item) {
          item.done();
          return Promise.resolve({ value: item.value, done: false });
        }
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
