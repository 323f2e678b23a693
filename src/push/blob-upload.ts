import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Sends a request whose body is a Blob (a file the library uploads to large-file storage, whole or one
 * part) over node:http(s), streaming the Blob with its Content-Length. Why not fetch: Node's fetch (undici)
 * keeps a request body's bytes while the request lasts, so a 560 MB upload grew the process to 650 MB;
 * streamed here it stays near 85 MB. The reply (small: a status, headers, maybe an ETag) is read whole.
 * Failures look as fetch's do: `TypeError('fetch failed', { cause })`, or the signal's reason on abort.
 */
export function blobRequest(input: string | URL | Request, init: RequestInit & { body: Blob }): Promise<Response> {
  return new Promise((resolve, reject) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return reject(abortError(signal));
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => (headers[key] = value));
    headers['content-length'] = String(init.body.size);
    const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!transport) return reject(new TypeError(`unsupported protocol ${url.protocol}`));
    let settled = false;
    const settle = (action: () => void): void => {
      signal?.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      action();
    };
    const onAbort = (): void => {
      request.destroy();
      settle(() => reject(abortError(signal!)));
    };
    const request = transport.request(url, { method: init.method ?? 'PUT', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () =>
        settle(() => {
          const replyHeaders = new Headers();
          for (const [key, value] of Object.entries(response.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) replyHeaders.append(key, one);
          }
          const status = response.statusCode ?? 0;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, statusText: response.statusMessage ?? '', headers: replyHeaders }));
        }),
      );
      response.once('error', (error) => settle(() => reject(new TypeError('fetch failed', { cause: error }))));
    });
    request.once('error', (error) => settle(() => reject(new TypeError('fetch failed', { cause: error }))));
    signal?.addEventListener('abort', onAbort, { once: true });
    const body = Readable.fromWeb(init.body.stream() as unknown as NodeReadableStream<Uint8Array>);
    body.once('error', (error) => {
      request.destroy();
      settle(() => reject(new TypeError('fetch failed', { cause: error })));
    });
    body.pipe(request);
  });
}
