import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXIT } from '../../core/exit-codes.js';
import type { Logger } from '../../core/logger.js';
import { errorMessage, TdError } from '../../core/td-error.js';
import { authority, hostAllowed, isLoopback, originAllowed, SECURITY_HEADERS, tokenMatches } from './security.js';

/** A request as a route sees it: only the URL's path picks the route; nothing in it names a file. */
export interface ViewRequest {
  method: 'GET' | 'POST';
  path: string;
  params: URLSearchParams;
  /** The body of a POST (at most MAX_BODY_BYTES). */
  body: Buffer;
  headers: IncomingMessage['headers'];
}

export interface ViewResponse {
  status: number;
  type: string;
  body: string | Buffer;
}

export type Route = (request: ViewRequest) => Promise<ViewResponse> | ViewResponse;

/** The routes by method and exact path. */
export interface Routes {
  GET: ReadonlyMap<string, Route>;
  POST: ReadonlyMap<string, Route>;
}

const MAX_BODY_BYTES = 64 * 1024;

export const text = (status: number, body: string): ViewResponse => ({ status, type: 'text/plain; charset=utf-8', body: body + '\n' });

export interface ServeOptions {
  host: string;
  /** 0: a free port. */
  port: number;
  token: string;
  log: Logger;
}

/**
 * td view's HTTP server (node:http). It binds first, so a port in use fails before any input is read,
 * and answers 503 until `setRoutes` hands it the pages. Every request must carry the session token
 * (`?t=`); on loopback the Host header must name the loopback address; a POST must come from this
 * server's own origin with a JSON body. Routes are found by exact path: nothing from the URL reaches
 * the file system.
 */
export class ViewServer {
  private routes: Routes | undefined;

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    private readonly token: string,
    private readonly log: Logger,
  ) {}

  static async listen(options: ServeOptions): Promise<ViewServer> {
    let view: ViewServer | undefined;
    const server = createServer((request, response) => {
      if (view) void view.handle(request, response);
      else response.destroy();
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'the port is in use (leave --port out for a free one)' : code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? 'no such address on this machine' : errorMessage(error);
      throw new TdError(`cannot listen on ${authority(options.host, options.port)}: ${why}`, EXIT.usage, 'usage');
    });
    const port = (server.address() as AddressInfo).port;
    view = new ViewServer(server, options.host, port, options.token, options.log);
    return view;
  }

  /** The URL to open: the loopback name when bound to every address. */
  get url(): string {
    const shown = this.host === '0.0.0.0' ? '127.0.0.1' : this.host === '::' ? '::1' : this.host;
    return `http://${authority(shown, this.port)}/?t=${this.token}`;
  }

  get loopback(): boolean {
    return isLoopback(this.host);
  }

  setRoutes(routes: Routes): void {
    this.routes = routes;
  }

  /** Stops accepting connections and closes the open ones (a browser keeps some alive). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: ViewResponse;
    try {
      reply = await this.respond(request);
    } catch (error) {
      this.log.warn(`${request.method} ${request.url?.split('?')[0]}: ${errorMessage(error)}`);
      reply = text(500, `td view: ${errorMessage(error)}`);
    }
    if (response.destroyed) return;
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
    response.writeHead(reply.status, { ...SECURITY_HEADERS, 'Content-Type': reply.type, 'Content-Length': body.length });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  private async respond(request: IncomingMessage): Promise<ViewResponse> {
    // A fixed base: the URL is parsed only for its path and query, never resolved against anything.
    const url = new URL(request.url ?? '/', 'http://td-view.invalid');
    if (!hostAllowed(request.headers, this.host, this.port)) {
      return text(403, `td view: unexpected Host ${JSON.stringify(request.headers.host ?? '')}: open the URL td view printed`);
    }
    if (!tokenMatches(url.searchParams.get('t'), this.token)) {
      return text(403, 'td view: this page needs the session token: open the URL td view printed on stderr (http://…/?t=…)');
    }
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (method !== 'GET' && method !== 'POST') return text(405, `td view: method ${request.method} not allowed`);
    if (!this.routes) return text(503, 'td view: still indexing; reload in a moment');
    const route = this.routes[method].get(url.pathname);
    if (route === undefined) {
      const other = this.routes[method === 'GET' ? 'POST' : 'GET'].has(url.pathname);
      return other ? text(405, `td view: method ${request.method} not allowed here`) : text(404, `td view: no page ${url.pathname}`);
    }
    let body: Buffer = Buffer.alloc(0);
    if (method === 'POST') {
      if (!originAllowed(request.headers)) return text(403, 'td view: a change must come from a td view page (the Origin header did not match)');
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return text(415, 'td view: expected a JSON body (Content-Type: application/json)');
      const read = await readBody(request);
      if (read === undefined) return text(413, `td view: the body is over ${MAX_BODY_BYTES} bytes`);
      body = read;
    }
    return route({ method, path: url.pathname, params: url.searchParams, body, headers: request.headers });
  }
}

/** The body, or undefined when it is over the limit (the rest is not buffered). */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
