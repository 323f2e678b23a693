import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { xorbChunks } from './xet-decode.js';

/**
 * A local stand-in for the Hugging Face Hub, speaking the endpoints @huggingface/hub 2.17 calls for a
 * dataset commit: revision info, repo and branch creation, paths-info, preupload, the LFS batch API with
 * basic, multipart or Xet transfers (the CAS's token, chunk-dedup, xorb and shard endpoints), S3-style
 * part uploads, and the NDJSON commit. It keeps repositories as commits of whole trees, so tests can
 * assert what a push committed, and injects faults (status codes, dropped or held uploads).
 */

export type Route =
  | 'revision'
  | 'create'
  | 'paths-info'
  | 'preupload'
  | 'batch'
  | 'upload'
  | 'part'
  | 'complete'
  | 'commit'
  | 'branch'
  | 'xet-token'
  | 'chunk'
  | 'xorb'
  | 'shard';

/** Routes a Hub token must authorise (the others are storage URLs the Hub handed out, or the CAS with its own token). */
const HUB_API: ReadonlySet<Route> = new Set(['revision', 'create', 'paths-info', 'preupload', 'batch', 'commit', 'branch', 'xet-token']);
const WRITES: ReadonlySet<Route> = new Set(['create', 'preupload', 'batch', 'commit', 'branch', 'xet-token']);

export interface StoredFile {
  bytes: Buffer;
  /** Set for a file committed as an LFS pointer. */
  lfs?: { oid: string; size: number };
}

export interface Commit {
  sha: string;
  parent: string | undefined;
  title: string;
  tree: Map<string, StoredFile>;
}

export interface RecordedRequest {
  method: string;
  route: Route | 'unknown';
  path: string;
  authorization: string | undefined;
  status: number;
}

export interface HubServerOptions {
  /** The token the Hub accepts. */
  token: string;
  /** Tokens that may read but not write (403 on writes). */
  readOnlyTokens?: readonly string[];
  /** Files above this size, and every .parquet, go through LFS. @default 10 MiB */
  lfsThreshold?: number;
  /** What the LFS batch answers. @default basic */
  transfer?: 'basic' | 'multipart' | 'xet';
  /** Part size of a multipart upload. @default 64 KiB */
  partBytes?: number;
  /** Reads upload bodies at this rate, so progress has time to show. */
  uploadBytesPerSecond?: number;
}

export interface Fault {
  status: number;
  times: number;
  retryAfter?: string;
  /** Commit only: apply the commit, then answer with the fault (a reply lost after the Hub committed). */
  afterApplying?: boolean;
}

const XET_TOKEN = 'xet-cas-jwt-0123456789abcdef';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const gitSha1 = (bytes: Buffer): string => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

interface Repo {
  name: string;
  private: boolean;
  branches: Map<string, string>;
}

export class HubServer {
  readonly requests: RecordedRequest[] = [];
  /** Every commit made through the commit endpoint (not the initial commit of a new repository). */
  readonly pushes: Array<{ repo: string; branch: string; commit: Commit; operations: string[] }> = [];
  /** Places the token was seen outside an Authorization header of a Hub API request. */
  readonly tokenLeaks: string[] = [];
  /** Bytes received by storage uploads (basic PUTs, parts, xorbs). */
  uploadedBytes = 0;
  private readonly repos = new Map<string, Repo>();
  private readonly commits = new Map<string, Commit>();
  private readonly lfs = new Map<string, Buffer>();
  private readonly parts = new Map<string, Map<number, Buffer>>();
  private xorbs: Buffer[] = [];
  private readonly faults = new Map<Route, Fault>();
  private dropUploads = 0;
  private hold = false;
  private readonly held: ServerResponse[] = [];
  private uploadWaiters: Array<() => void> = [];
  private server!: Server;
  url = '';

  constructor(readonly options: HubServerOptions) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { error: String(error) });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` requests to `route` fail with `status`. */
  fail(route: Route, fault: Fault): void {
    this.faults.set(route, { ...fault });
  }

  /** Resolves when the next storage upload begins. */
  nextUpload(): Promise<void> {
    return new Promise((resolve) => this.uploadWaiters.push(resolve));
  }

  private uploadStarted(): void {
    for (const resolve of this.uploadWaiters.splice(0)) resolve();
  }

  /** The next `times` storage uploads are cut off after their first bytes. */
  dropNextUploads(times: number): void {
    this.dropUploads = times;
  }

  /** Storage uploads from now on never complete (until the server closes). */
  holdUploads(): void {
    this.hold = true;
  }

  /** A repository as the Hub creates one: an initial commit holding `.gitattributes`, plus `files`. */
  seedRepo(name: string, files: Record<string, string | Buffer> = {}, isPrivate = false): string {
    const tree = new Map<string, StoredFile>([['.gitattributes', { bytes: Buffer.from('*.parquet filter=lfs diff=lfs merge=lfs -text\n') }]]);
    for (const [path, content] of Object.entries(files)) tree.set(path, { bytes: Buffer.from(content) });
    const commit = this.addCommit(undefined, 'initial commit', tree);
    this.repos.set(name, { name, private: isPrivate, branches: new Map([['main', commit.sha]]) });
    return commit.sha;
  }

  hasRepo(name: string): boolean {
    return this.repos.has(name);
  }

  isPrivate(name: string): boolean | undefined {
    return this.repos.get(name)?.private;
  }

  head(name: string, branch = 'main'): string | undefined {
    return this.repos.get(name)?.branches.get(branch);
  }

  /** The files of a branch: path -> content. */
  files(name: string, branch = 'main'): Map<string, Buffer> {
    const sha = this.head(name, branch);
    const tree = sha === undefined ? new Map<string, StoredFile>() : this.commits.get(sha)!.tree;
    return new Map([...tree].map(([path, file]) => [path, file.bytes]));
  }

  /** The stored entry of a path (to tell LFS files from regular ones). */
  entry(name: string, path: string, branch = 'main'): StoredFile | undefined {
    const sha = this.head(name, branch);
    return sha === undefined ? undefined : this.commits.get(sha)!.tree.get(path);
  }

  private addCommit(parent: string | undefined, title: string, tree: Map<string, StoredFile>): Commit {
    const listing = [...tree].map(([path, file]) => `${path}:${gitSha1(file.bytes)}`).join('\n');
    const sha = createHash('sha1').update(`${parent ?? ''}\n${title}\n${listing}\n${this.commits.size}`).digest('hex');
    const commit = { sha, parent, title, tree };
    this.commits.set(sha, commit);
    return commit;
  }

  private resolve(repo: Repo, revision: string): Commit | undefined {
    const sha = repo.branches.get(revision) ?? (this.commits.has(revision) ? revision : undefined);
    return sha === undefined ? undefined : this.commits.get(sha);
  }

  private route(method: string, path: string): { route: Route | 'unknown'; params: string[] } {
    const patterns: Array<[string, RegExp, Route]> = [
      ['GET', /^\/api\/datasets\/([^/]+\/[^/]+)\/revision\/(.+)$/, 'revision'],
      ['POST', /^\/api\/repos\/create$/, 'create'],
      ['POST', /^\/api\/datasets\/([^/]+\/[^/]+)\/paths-info\/(.+)$/, 'paths-info'],
      ['POST', /^\/api\/datasets\/([^/]+\/[^/]+)\/preupload\/(.+)$/, 'preupload'],
      ['POST', /^\/datasets\/([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/, 'batch'],
      ['PUT', /^\/storage\/([0-9a-f]{64})$/, 'upload'],
      ['PUT', /^\/storage\/([0-9a-f]{64})\/part\/(\d+)$/, 'part'],
      ['POST', /^\/storage\/([0-9a-f]{64})\/complete$/, 'complete'],
      ['POST', /^\/api\/datasets\/([^/]+\/[^/]+)\/commit\/(.+)$/, 'commit'],
      ['POST', /^\/api\/datasets\/([^/]+\/[^/]+)\/branch\/(.+)$/, 'branch'],
      ['GET', /^\/api\/datasets\/([^/]+\/[^/]+)\/xet-write-token\/(.+)$/, 'xet-token'],
      ['GET', /^\/cas\/v1\/chunks\/default\/([0-9a-f]+)$/, 'chunk'],
      ['POST', /^\/cas\/v1\/xorbs\/default\/([0-9a-f]+)$/, 'xorb'],
      ['POST', /^\/cas\/v1\/shards$/, 'shard'],
    ];
    for (const [verb, pattern, route] of patterns) {
      const match = method === verb ? pattern.exec(path) : null;
      if (match) return { route, params: match.slice(1).map(decodeURIComponent) };
    }
    return { route: 'unknown', params: [] };
  }

  private async body(req: IncomingMessage, route: Route | 'unknown'): Promise<Buffer> {
    const storage = route === 'upload' || route === 'part' || route === 'xorb';
    if (storage) this.uploadStarted();
    const chunks: Buffer[] = [];
    const rate = storage ? this.options.uploadBytesPerSecond : undefined;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      if (rate !== undefined) await new Promise((resolve) => setTimeout(resolve, (chunk.length / rate) * 1000));
    }
    return Buffer.concat(chunks);
  }

  private checkToken(where: string, text: string): void {
    if (text.includes(this.options.token)) this.tokenLeaks.push(where);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const { route, params } = this.route(method, url.pathname);
    const authorization = req.headers.authorization;
    const record: RecordedRequest = { method, route, path: url.pathname, authorization, status: 0 };
    this.requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    this.checkToken(`${route} URL`, req.url ?? '');
    for (const [name, value] of Object.entries(req.headers)) {
      if (name !== 'authorization' || !HUB_API.has(route as Route)) this.checkToken(`${route} header ${name}`, String(value));
    }

    const storage = route === 'upload' || route === 'part' || route === 'xorb';
    if (storage && this.hold) {
      this.uploadStarted();
      this.held.push(res);
      req.resume();
      return;
    }
    if (storage && this.dropUploads > 0) {
      this.dropUploads--;
      this.uploadStarted();
      req.once('data', () => req.socket.destroy());
      return;
    }
    const body = await this.body(req, route);
    this.checkToken(`${route} body`, body.toString('latin1'));

    if (route === 'unknown') return json(res, 404, { error: `no route ${method} ${url.pathname}` });
    const fault = this.faults.get(route);
    if (fault && fault.times > 0 && fault.afterApplying) {
      fault.times--;
      const swallowed = { writeHead: () => swallowed, end: () => undefined } as unknown as ServerResponse;
      await this.serve(route, params, body, swallowed);
      return json(res, fault.status, { error: `injected ${fault.status} after applying` }, fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter });
    }
    if (fault && fault.times > 0) {
      fault.times--;
      return json(res, fault.status, { error: `injected ${fault.status}` }, fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter });
    }
    if (HUB_API.has(route)) {
      const token = authorization?.replace(/^Bearer /, '');
      const readOnly = token !== undefined && (this.options.readOnlyTokens ?? []).includes(token);
      if (token !== this.options.token && !readOnly) return json(res, 401, { error: 'Invalid credentials in Authorization header' });
      if (readOnly && WRITES.has(route)) return json(res, 403, { error: 'You do not have write access to this repository' });
    } else if (route === 'chunk' || route === 'xorb' || route === 'shard') {
      if (authorization !== `Bearer ${XET_TOKEN}`) return json(res, 401, { error: 'bad CAS token' });
    }
    await this.serve(route, params, body, res);
  }

  private async serve(route: Route, params: string[], body: Buffer, res: ServerResponse): Promise<void> {
    const repo = params[0] !== undefined ? this.repos.get(params[0]) : undefined;
    const needRepo = route !== 'create' && route !== 'upload' && route !== 'part' && route !== 'complete' && route !== 'chunk' && route !== 'xorb' && route !== 'shard';
    if (needRepo && repo === undefined) return json(res, 404, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
    switch (route) {
      case 'revision': {
        const commit = this.resolve(repo!, params[1]!);
        if (!commit) return json(res, 404, { error: 'Revision not found' }, { 'X-Error-Code': 'RevisionNotFound' });
        return json(res, 200, { _id: `id-${repo!.name}`, id: repo!.name, private: repo!.private, sha: commit.sha, lastModified: '2026-01-01T00:00:00.000Z', downloads: 0, likes: 0, gated: false });
      }
      case 'create': {
        const request = JSON.parse(body.toString()) as { name: string; organization: string; type: string; visibility?: string };
        const name = `${request.organization}/${request.name}`;
        if (request.type !== 'dataset') return json(res, 400, { error: `expected a dataset, got ${request.type}` });
        if (this.repos.has(name)) return json(res, 409, { error: 'You already created this dataset repo' });
        this.seedRepo(name, {}, request.visibility === 'private');
        return json(res, 200, { url: `${this.url}/datasets/${name}`, id: `id-${name}` });
      }
      case 'paths-info': {
        const commit = this.resolve(repo!, params[1]!);
        if (!commit) return json(res, 404, { error: 'Revision not found' });
        const { paths } = JSON.parse(body.toString()) as { paths: string[] };
        const found = paths.flatMap((path) => {
          const file = commit.tree.get(path);
          if (!file) return [];
          return [{ type: 'file', path, oid: gitSha1(file.bytes), size: file.bytes.length, ...(file.lfs ? { lfs: { oid: file.lfs.oid, size: file.lfs.size, pointerSize: 134 } } : {}) }];
        });
        return json(res, 200, found);
      }
      case 'preupload': {
        if (!this.resolve(repo!, params[1]!)) return json(res, 404, { error: 'Revision not found' });
        const { files } = JSON.parse(body.toString()) as { files: Array<{ path: string; size: number; sample: string }> };
        return json(res, 200, { files: files.map((file) => ({ path: file.path, uploadMode: this.isLfs(file.path, file.size) ? 'lfs' : 'regular', shouldIgnore: false })) });
      }
      case 'batch':
        return this.batch(repo!, JSON.parse(body.toString()) as { transfers: string[]; objects: Array<{ oid: string; size: number }> }, res);
      case 'upload': {
        if (sha256(body) !== params[0]) return json(res, 400, { error: 'sha256 mismatch' });
        this.uploadedBytes += body.length;
        this.lfs.set(params[0]!, body);
        res.writeHead(200).end();
        return;
      }
      case 'part': {
        const parts = this.parts.get(params[0]!) ?? new Map<number, Buffer>();
        parts.set(Number(params[1]), body);
        this.parts.set(params[0]!, parts);
        this.uploadedBytes += body.length;
        res.writeHead(200, { ETag: `"etag-${params[1]}"` }).end();
        return;
      }
      case 'complete': {
        const request = JSON.parse(body.toString()) as { oid: string; parts: Array<{ partNumber: number; etag: string }> };
        const parts = this.parts.get(params[0]!) ?? new Map<number, Buffer>();
        if (request.parts.some((part) => part.etag !== `"etag-${part.partNumber}"`)) return json(res, 400, { error: 'bad etag' });
        const whole = Buffer.concat(request.parts.map((part) => parts.get(part.partNumber) ?? Buffer.alloc(0)));
        if (sha256(whole) !== params[0]) return json(res, 400, { error: 'sha256 mismatch after multipart' });
        this.lfs.set(params[0]!, whole);
        return json(res, 200, {});
      }
      case 'xet-token':
        return json(res, 200, { accessToken: XET_TOKEN, casUrl: `${this.url}/cas`, exp: Math.floor(Date.now() / 1000) + 3600 });
      case 'chunk':
        return json(res, 404, { error: 'not found' });
      case 'xorb':
        this.uploadedBytes += body.length;
        this.xorbs.push(body);
        return json(res, 200, { was_inserted: true });
      case 'shard':
        return json(res, 200, { result: 1 });
      case 'branch': {
        const { startingPoint } = JSON.parse(body.toString() || '{}') as { startingPoint?: string };
        if (repo!.branches.has(params[1]!)) return json(res, 409, { error: 'Reference already exists' });
        const from = this.resolve(repo!, startingPoint ?? 'main');
        if (!from) return json(res, 404, { error: 'Revision not found' });
        repo!.branches.set(params[1]!, from.sha);
        return json(res, 200, {});
      }
      case 'commit':
        return this.commit(repo!, params[1]!, body.toString(), res);
    }
  }

  private isLfs(path: string, size: number): boolean {
    return path.endsWith('.parquet') || size > (this.options.lfsThreshold ?? 10 << 20);
  }

  private batch(repo: Repo, request: { transfers: string[]; objects: Array<{ oid: string; size: number }> }, res: ServerResponse): void {
    const transfer = this.options.transfer ?? 'basic';
    if (!request.transfers.includes(transfer)) return json(res, 400, { error: `client does not offer ${transfer}` });
    const objects = request.objects.map(({ oid, size }) => {
      if (this.lfs.has(oid)) return { oid, size };
      if (transfer === 'xet') {
        const header = { 'X-Xet-Cas-Url': `${this.url}/cas`, 'X-Xet-Access-Token': XET_TOKEN, 'X-Xet-Token-Expiration': String(Math.floor(Date.now() / 1000) + 3600), 'X-Xet-Session-Id': 'session-1' };
        return { oid, size, actions: { upload: { href: `${this.url}/api/datasets/${repo.name}/xet-write-token/main`, header } } };
      }
      const partBytes = this.options.partBytes ?? 64 << 10;
      if (transfer === 'multipart' && size > partBytes) {
        const count = Math.ceil(size / partBytes);
        const header: Record<string, string> = { chunk_size: String(partBytes) };
        for (let part = 1; part <= count; part++) header[String(part).padStart(5, '0')] = `${this.url}/storage/${oid}/part/${part}`;
        return { oid, size, actions: { upload: { href: `${this.url}/storage/${oid}/complete`, header } } };
      }
      return { oid, size, actions: { upload: { href: `${this.url}/storage/${oid}` } } };
    });
    json(res, 200, { transfer, objects });
  }

  /**
   * Xet uploads arrive as xorbs of chunks. A test pushes one Xet file whose chunks do not repeat, so its
   * content is every xorb's chunks in order; the commit's SHA-256 says whether that holds.
   */
  private fromXorbs(oid: string): Buffer | undefined {
    const whole = Buffer.concat(this.xorbs.flatMap((xorb) => xorbChunks(xorb)));
    return sha256(whole) === oid ? whole : undefined;
  }

  private commit(repo: Repo, branch: string, body: string, res: ServerResponse): void {
    const head = repo.branches.get(branch);
    if (head === undefined) return json(res, 404, { error: 'Invalid rev id' });
    const lines = body.split('\n').map((line) => JSON.parse(line) as { key: string; value: Record<string, unknown> });
    const header = lines[0]!;
    if (header.key !== 'header') return json(res, 400, { error: 'missing header' });
    const parent = header.value.parentCommit as string | undefined;
    if (parent !== undefined && parent !== head) return json(res, 412, { error: 'A commit has happened since. Please refresh and try again.' });
    const tree = new Map(this.commits.get(head)!.tree);
    const operations: string[] = [];
    for (const { key, value } of lines.slice(1)) {
      const path = value.path as string;
      if (key === 'file') {
        const bytes = Buffer.from(value.content as string, (value.encoding as BufferEncoding | undefined) ?? 'utf8');
        if (this.isLfs(path, bytes.length)) return json(res, 400, { error: `${path} must be uploaded through LFS` });
        tree.set(path, { bytes });
      } else if (key === 'lfsFile') {
        const oid = value.oid as string;
        const bytes = this.lfs.get(oid) ?? this.fromXorbs(oid);
        if (!bytes) return json(res, 422, { error: `LFS object ${oid} of ${path} was never uploaded` });
        this.lfs.set(oid, bytes);
        tree.set(path, { bytes, lfs: { oid, size: value.size as number } });
      } else if (key === 'deletedFile') {
        tree.delete(path);
      } else {
        return json(res, 400, { error: `unknown operation ${key}` });
      }
      operations.push(`${key} ${path}`);
    }
    const commit = this.addCommit(head, header.value.summary as string, tree);
    repo.branches.set(branch, commit.sha);
    this.pushes.push({ repo: repo.name, branch, commit, operations });
    json(res, 200, { commitOid: commit.sha, commitUrl: `${this.url}/datasets/${repo.name}/commit/${commit.sha}`, hookOutput: '' });
  }
}

/** Starts a Hub stand-in; close it in `afterEach`/`onTestFinished`. */
export function startHubServer(options: HubServerOptions): Promise<HubServer> {
  return new HubServer(options).start();
}
