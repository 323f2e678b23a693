import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { createNodeFetch, OversizedBodyError, type NodeFetchInit } from '../../src/llm/node-fetch.js';

let server: Server | undefined;
const transport = createNodeFetch();
afterAll(() => transport.close());
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('the node:http fetch under the SDK', () => {
  test('sends method, headers and body; returns status, headers and the decoded (gzip) body', async () => {
    let seen: { method?: string; type?: string; body?: string } = {};
    const url = await serve((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen = { method: request.method, type: request.headers['content-type'], body: Buffer.concat(chunks).toString() };
        response.writeHead(201, { 'content-encoding': 'gzip', 'x-request-id': 'abc' });
        response.end(gzipSync('{"ok": true}'));
      });
    });
    const response = await transport.fetch(`${url}/v1/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q": 1}' });
    expect(seen).toEqual({ method: 'POST', type: 'application/json', body: '{"q": 1}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('abc');
    expect(await response.text()).toBe('{"ok": true}');
  });

  test('a refused connection rejects as fetch does: TypeError with the cause', async () => {
    const url = await serve(() => {});
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const error = await transport.fetch(url, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  test('an abort rejects at once with an AbortError', async () => {
    const url = await serve(() => {});
    const controller = new AbortController();
    const pending = transport.fetch(url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await pending.catch((caught: unknown) => (caught as Error).name)).toBe('AbortError');
    server!.closeAllConnections();
  });

  test('a body that breaks off gives a Response whose body fails to read', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"partial":', () => response.socket!.destroy());
    });
    const response = await transport.fetch(url, {});
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow('terminated');
  });

  test('a body over maxBodyBytes rejects with OversizedBodyError and cuts the connection, counting decoded bytes', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip' });
      // A few KiB on the wire that decode to 8 MiB: the limit is on what would be held.
      response.end(gzipSync(Buffer.alloc(8 * 1024 ** 2, 120)));
    });
    const error = await transport.fetch(url, { maxBodyBytes: 1024 ** 2 } as NodeFetchInit).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OversizedBodyError);
    expect((error as OversizedBodyError).limit).toBe(1024 ** 2);
  });

  test('a body announcing a length over maxBodyBytes is refused before it is read', async () => {
    let written = 0;
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': String(64 * 1024 ** 2) });
      const chunk = Buffer.alloc(1024 ** 2);
      const pump = (): void => {
        while (written < 64 * 1024 ** 2 && !response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
      };
      pump();
    });
    const error = await transport.fetch(url, { maxBodyBytes: 1024 } as NodeFetchInit).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OversizedBodyError);
    expect(written).toBeLessThan(32 * 1024 ** 2);
  });
});
