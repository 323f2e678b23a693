import http from 'node:http';
import https from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

/** `fetch` options td adds: the largest body read (decoded) before the response is given up. */
export interface NodeFetchInit extends RequestInit {
  maxBodyBytes?: number;
}

/** A response body over `maxBodyBytes`: the connection was cut, the body never held whole. */
export class OversizedBodyError extends Error {
  constructor(readonly limit: number) {
    super(`the response body is larger than ${limit} bytes`);
    this.name = 'OversizedBodyError';
  }
}

/** Statuses whose Response may not have a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` for the openai SDK over node:http(s) with keep-alive agents, for one reason: CPU. Replies are
 * small and read whole anyway, and undici's fetch (WHATWG streams, separate header and body writes) cost
 * about 0.2 ms more CPU per call here, a sixth of td's whole per-record cost at high concurrency.
 *
 * It behaves as fetch does where the SDK and td's transport look: a connection failure rejects with a
 * `TypeError('fetch failed', { cause })` (the SDK's `APIConnectionError`), an abort rejects with the
 * signal's reason or an `AbortError`, and a body that breaks off after the headers gives a Response
 * whose body fails to read (td's `truncated-body`). gzip, deflate and br bodies are decoded. With
 * `maxBodyBytes`, a body that announces or reaches a larger size rejects with an `OversizedBodyError`
 * as soon as that is known, and the connection is destroyed: a 50 MB reply is never held whole.
 */
export function createNodeFetch(): { fetch: typeof fetch; close: () => void } {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
  };
  const nodeFetch = (input: string | URL | Request, init: NodeFetchInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortError(signal));
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, key) => (headers[key] = value));
      // The SDK sends chat requests as JSON text; nothing else is needed here.
      const body = typeof init.body === 'string' || init.body instanceof Uint8Array ? init.body : undefined;
      if (init.body != null && body === undefined) return reject(new TypeError('td fetch: only string and byte bodies are supported'));
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const transport = url.protocol === 'https:' ? https : http;
      const agent = agents[url.protocol as 'http:' | 'https:'];
      if (!agent) return reject(new TypeError(`td fetch: unsupported protocol ${url.protocol}`));

      let settled = false;
      const onAbort = (): void => {
        request.destroy();
        if (!settled) {
          settled = true;
          reject(abortError(signal!));
        }
      };
      const limit = init.maxBodyBytes ?? Infinity;
      const oversized = (): void => {
        signal?.removeEventListener('abort', onAbort);
        request.destroy();
        if (settled) return;
        settled = true;
        reject(new OversizedBodyError(limit));
      };
      const request = transport.request(url, { method: init.method ?? 'GET', headers, agent }, (response) => {
        if (Number(response.headers['content-length'] ?? 0) > limit) return oversized();
        const chunks: Buffer[] = [];
        let received = 0;
        const stream = decoded(response);
        stream.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > limit) {
            chunks.length = 0;
            stream.removeAllListeners('data');
            return oversized();
          }
          chunks.push(chunk);
        });
        const finish = (broken: boolean): void => {
          signal?.removeEventListener('abort', onAbort);
          if (settled) return;
          settled = true;
          const status = response.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (const [key, value] of Object.entries(response.headers)) {
            if (value === undefined) continue;
            for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(key, one);
          }
          responseHeaders.delete('content-encoding');
          responseHeaders.delete('content-length');
          const content = broken
            ? new ReadableStream({ start: (controller) => controller.error(new TypeError('terminated: the response body broke off')) })
            : NULL_BODY_STATUSES.has(status)
              ? null
              : Buffer.concat(chunks);
          resolve(new Response(content, { status, statusText: response.statusMessage ?? '', headers: responseHeaders }));
        };
        stream.once('end', () => finish(!response.complete));
        stream.once('error', () => finish(true));
        response.once('aborted', () => finish(true));
        response.once('close', () => {
          if (!response.complete) finish(true);
        });
      });
      request.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(new TypeError('fetch failed', { cause: error }));
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
  return {
    fetch: nodeFetch as typeof fetch,
    close: () => {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

function decoded(response: http.IncomingMessage): Readable {
  switch (response.headers['content-encoding']) {
    case 'gzip':
    case 'x-gzip':
      return response.pipe(createGunzip());
    case 'deflate':
      return response.pipe(createInflate());
    case 'br':
      return response.pipe(createBrotliDecompress());
    default:
      return response;
  }
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}
