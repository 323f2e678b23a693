/**
 * Pulls from an async iterator until a signal aborts: `next()` resolves with the iterator's result, or
 * with `'stop'` as soon as the signal fires, whichever comes first.
 *
 * Not `Promise.race([iterator.next(), stopped])`: racing against a long-lived promise leaves one reaction
 * on it per call, each holding its result, so every record read stays reachable until the signal fires
 * (memory grows with the input). Nor a listener added and removed per call, which costs measurably on a
 * per-record path. One listener resolves whichever step is pending.
 */
export class NextOrStop<T> {
  private pending: ((result: 'stop') => void) | undefined;
  private readonly onAbort = (): void => this.pending?.('stop');

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  next(): Promise<IteratorResult<T> | 'stop'> {
    if (this.signal.aborted) return Promise.resolve('stop');
    return new Promise((resolve, reject) => {
      this.pending = resolve;
      this.iterator.next().then(resolve, reject);
    });
  }

  /** Removes the listener; call when done reading. */
  dispose(): void {
    this.pending = undefined;
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
