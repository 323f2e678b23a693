/**
 * The iterator's next result, or `'halt'` as soon as `signal` aborts, whichever comes first.
 *
 * Racing `iterator.next()` against one long-lived promise (`Promise.race([it.next(), stopped])`) leaks:
 * every race leaves a reaction on the pending promise that keeps its result alive until that promise
 * settles, i.e. every chunk and record read so far (nodejs/node#17469). Here the abort listener is
 * added per call and removed as soon as the call settles, so nothing is retained.
 */
export function nextUnless<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T> | 'halt'> {
  if (signal.aborted) return Promise.resolve('halt');
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve('halt');
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
