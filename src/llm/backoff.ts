/** First back-off before a retry; doubled each retry (before jitter and the cap). */
export const BASE_BACKOFF_MS = 1000;

/**
 * How long to wait before retry number `retry` (0-based): what the server asked for (`Retry-After`)
 * when it said, else exponential back-off with "equal jitter" (half fixed, half random, so concurrent
 * callers spread out but none retries at once); never more than `capMs`.
 */
export function backoffMs(retry: number, serverAskedMs: number | undefined, capMs: number, random: () => number = Math.random): number {
  const wait = serverAskedMs ?? BASE_BACKOFF_MS * 2 ** Math.min(retry, 30) * (0.5 + random() / 2);
  return Math.max(0, Math.min(capMs, Math.round(wait)));
}
