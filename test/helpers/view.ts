import { request as httpRequest } from 'node:http';
import { onTestFinished } from 'vitest';
import { ViewOptionsSchema, type ViewOptionsInput } from '../../src/view/options.js';
import { startView, type RunningView } from '../../src/view/view.js';
import { testSession, type TestSession } from './session.js';

export interface TestView extends TestSession {
  view: RunningView;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  token: string;
  /** GET `path` with the token and `params`; headers and body as received. */
  get(path: string, params?: Record<string, string>, headers?: Record<string, string>): Promise<HttpResult>;
  /** POST JSON to `path` with the token, from td view's own origin unless `headers` say otherwise. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (node:http, so Host and Origin can be set to anything). */
export function rawRequest(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** td view in-process on a free loopback port over `path`, closed when the test ends. */
export async function startTestView(path: string, options: Partial<ViewOptionsInput> = {}): Promise<TestView> {
  const session = testSession({ stage: 'view' });
  const view = await startView(ViewOptionsSchema.parse({ path, ...options }), session.runtime);
  onTestFinished(() => view.close());
  const origin = `http://127.0.0.1:${view.port}`;
  const withToken = (path: string, params: Record<string, string> = {}): string => `${path}?${new URLSearchParams({ t: view.token, ...params }).toString()}`;
  return {
    ...session,
    view,
    origin,
    token: view.token,
    get: (path, params, headers) => rawRequest(view.port, { path: withToken(path, params), headers: { host: `127.0.0.1:${view.port}`, ...headers } }),
    post: (path, body, headers) =>
      rawRequest(view.port, {
        method: 'POST',
        path: withToken(path),
        headers: { host: `127.0.0.1:${view.port}`, origin, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}
