import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { createHubFetch, type HubFetchOptions } from '../../src/push/hub-fetch.js';

function logged(): { lines: string[]; options: Pick<HubFetchOptions, 'log'> } {
  const lines: string[] = [];
  const stream = { write: (text: string) => lines.push(text.trimEnd()) } as unknown as NodeJS.WritableStream;
  return { lines, options: { log: createLogger({ redactor: new Redactor(), stream, prefix: 'td push' }) } };
}

/** A transport that answers from a script and records what it was asked. */
function scripted(answers: Array<number | Error>, headers: Record<string, string> = {}) {
  const calls: Array<{ url: string; bodyBytes: number }> = [];
  const transport = (async (input: string | URL | Request, init?: RequestInit) => {
    let bodyBytes = 0;
    if (init?.body instanceof Blob) for await (const chunk of init.body.stream() as unknown as AsyncIterable<Uint8Array>) bodyBytes += chunk.byteLength;
    calls.push({ url: String(input), bodyBytes });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return new Response('{}', { status: answer, headers });
  }) as typeof fetch;
  return { calls, transport };
}

const connectionReset = (): TypeError => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });

describe('the Hub fetch', () => {
  it('retries 5xx, 429 and broken connections up to --retries, then hands the last answer to the library', async () => {
    const { lines, options } = logged();
    const { calls, transport } = scripted([503, connectionReset(), 429, 502]);
    const hubFetch = createHubFetch({ ...options, signal: new AbortController().signal, retries: 3, baseWaitMs: 1, maxWaitMs: 5, fetch: transport });
    const response = await hubFetch('http://hub.test/api/datasets/a/b/commit/main?x=secret-signature', { method: 'POST', body: '{}' });
    expect(response.status).toBe(502);
    expect(calls).toHaveLength(4);
    expect(lines).toEqual([
      'td push: warning: POST /api/datasets/a/b/commit/main: HTTP 503; retry 1 of 3 in 0.0s',
      'td push: warning: POST /api/datasets/a/b/commit/main: ECONNRESET; retry 2 of 3 in 0.0s',
      'td push: warning: POST /api/datasets/a/b/commit/main: HTTP 429; retry 3 of 3 in 0.0s',
    ]);
  });

  it('passes other answers through at once: success, 4xx', async () => {
    for (const status of [200, 400, 401, 403, 404, 412]) {
      const { calls, transport } = scripted([status]);
      const response = await createHubFetch({ ...logged().options, signal: new AbortController().signal, retries: 3, baseWaitMs: 1, maxWaitMs: 5, fetch: transport })('http://hub.test/x');
      expect([response.status, calls.length]).toEqual([status, 1]);
    }
  });

  it('honours Retry-After up to the longest wait', async () => {
    const { lines, options } = logged();
    const { transport } = scripted([503, 200], { 'Retry-After': '3600' });
    await createHubFetch({ ...options, signal: new AbortController().signal, retries: 1, baseWaitMs: 1, maxWaitMs: 20, fetch: transport })('http://hub.test/x');
    expect(lines).toEqual(['td push: warning: GET /x: HTTP 503; retry 1 of 1 in 0.0s']);
  });

  it('stops waiting and asking when the signal aborts', async () => {
    const controller = new AbortController();
    const { calls, transport } = scripted([503]);
    const hubFetch = createHubFetch({ ...logged().options, signal: controller.signal, retries: 5, baseWaitMs: 60_000, maxWaitMs: 60_000, fetch: transport });
    const pending = hubFetch('http://hub.test/x');
    setTimeout(() => controller.abort(new Error('stopped by SIGINT')), 20);
    await expect(pending).rejects.toThrow('stopped by SIGINT');
    expect(calls).toHaveLength(1);
  });

  it('counts the bytes of file bodies as they are sent, and takes back those of an attempt sent again', async () => {
    const counted: number[] = [];
    const { calls, transport } = scripted([500, 200]);
    const hubFetch = createHubFetch({ ...logged().options, signal: new AbortController().signal, retries: 2, baseWaitMs: 1, maxWaitMs: 1, blobFetch: transport, onBodyBytes: (bytes) => counted.push(bytes) });
    await hubFetch('http://hub.test/storage/x', { method: 'PUT', body: new Blob([new Uint8Array(300_000)]) });
    expect(calls.map((call) => call.bodyBytes)).toEqual([300_000, 300_000]);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(300_000);
    expect(counted).toContain(-300_000);
  });
});
