/**
 * A real HTTP server on 127.0.0.1 (random port) speaking the OpenAI chat-completions protocol
 * (non-streaming), for tests and benchmarks of every LLM stage. It never reaches the network.
 *
 * ## Start, use, stop
 * ```ts
 * const server = await startChatServer({ script: scripts.wellFormed(), latencyMs: 0 });
 * // td king --base-url <server.url> ... (in-process: { baseUrl: server.url }; child processes: the same
 * //   flag, with CHUTES_API_KEY set to anything unless `apiKey` is given)
 * server.url;              // 'http://127.0.0.1:PORT/v1'
 * server.chatRequests();   // every POST /v1/chat/completions received, in arrival order (RecordedRequest)
 * server.maxInFlight;      // the most requests open at once (server.inFlight: open now)
 * server.setScript(fn);    // change the replies; server.reset() forgets requests and counters
 * await server.close();    // also cuts open connections (hung replies)
 * ```
 * A separate process (for unix-pipe tests, or by hand): `npm run build:tools && node
 * dist-tools/scripts/chat-server.js [--latency MS] [--fault-rate R] [--seed N] [--port N]` prints its
 * URL as the first line on stdout and serves `scripts.wellFormed` (with faults) until SIGTERM. In tests
 * it is usually simpler to start the server in the test process and run td as child processes.
 *
 * ## Scripts: what to answer
 * A script is `(request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>`. `request.body` is
 * the parsed JSON body, `request.index` the arrival number, `request.seen` how many identical bodies
 * came before (so "fail the first time, answer the second" is deterministic whatever the arrival order).
 * A `ScriptedReply` is either a completion: `{ content?, reasoning?, reasoning_content?, finish_reason?,
 * usage?, model?, delayMs?, headers? }` (usage defaults to a chars/4 estimate), or a fault:
 * - `{ fault: 'status', status, body?, headers? }`: an error status (500, 503, 400, ...) with a JSON body;
 * - `{ fault: 'rate-limit', retryAfter?, retryAfterMs? }`: 429 with `Retry-After` / `retry-after-ms`;
 * - `{ fault: 'reset' }`: the connection is destroyed without a response;
 * - `{ fault: 'invalid-json' }`: 200 with a body that is not JSON;
 * - `{ fault: 'truncated' }`: 200 whose body stops half-way (the connection closes);
 * - `{ fault: 'hang', ms? }`: no answer for `ms` (default: until the client gives up or the server closes);
 * - `{ fault: 'large', bytes, contentLength? }`: a well-formed completion padded to `bytes` (a top-level
 *   `padding` string), written in 1 MiB chunks as the client reads them, with or without `Content-Length`;
 *   `server.bytesSent` tells how much of it went out before the client closed the connection.
 * `replies.*` builds common completions (well-formed bash turns, Kimi tool-call tokens, reasoning-only,
 * `finish_reason: length`, `<think>` leftovers); `scripts.*` builds scripts (well-formed, a sequence,
 * faults at a rate).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  /** 0-based arrival number over all requests. */
  index: number;
  method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text. */
  text: string;
  /** The parsed body (undefined when it was not JSON). */
  body: ChatRequestBody | undefined;
  /** How many requests with the same body text arrived before this one. */
  seen: number;
  /** When it arrived (`performance.now()` of the server's process). */
  at: number;
}

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  max_tokens?: number;
  temperature?: number;
  response_format?: unknown;
  [key: string]: unknown;
}

export interface Completion {
  content?: string | null;
  reasoning?: string;
  reasoning_content?: string;
  finish_reason?: string | null;
  usage?: { prompt_tokens: number; completion_tokens: number; completion_tokens_details?: { reasoning_tokens?: number }; prompt_tokens_details?: { cached_tokens?: number } };
  model?: string;
  /** Extra delay before this reply, on top of the server's latency. */
  delayMs?: number;
  headers?: Record<string, string>;
}

export type Fault =
  | { fault: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { fault: 'rate-limit'; retryAfter?: string | number; retryAfterMs?: number }
  | { fault: 'reset' }
  | { fault: 'invalid-json' }
  | { fault: 'truncated' }
  | { fault: 'hang'; ms?: number }
  | { fault: 'large'; bytes: number; contentLength?: boolean };

export type ScriptedReply = Completion | Fault;
export type Script = (request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;

export interface ChatServerOptions {
  script?: Script;
  /** Delay before every reply, in ms (the bench's fixed latency). @default 0 */
  latencyMs?: number;
  /** When set, a request without `Authorization: Bearer <apiKey>` gets a 401. */
  apiKey?: string;
  /** @default 0 (a random free port) */
  port?: number;
}

export interface ChatServer {
  /** Base URL for `--base-url`: `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests open now, and the most seen open at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Bytes of `large` replies written to sockets so far. */
  readonly bytesSent: number;
  /** The chat-completions requests only. */
  chatRequests(): RecordedRequest[];
  setScript(script: Script): void;
  /** Forgets requests and counters (not the script). */
  reset(): void;
  close(): Promise<void>;
}

const approxTokens = (text: string): number => Math.ceil(text.length / 4);

/** Builders for common completions. */
export const replies = {
  /** A well-formed mini-swe-agent turn. */
  bash(thought: string, command: string): Completion {
    return { content: `THOUGHT: ${thought}\n\n\`\`\`bash\n${command}\n\`\`\`` };
  },
  /** Kimi's tool-call markup leaking into the content (a malformed turn). */
  kimiToolCall(): Completion {
    return {
      content:
        'THOUGHT: Let me look.\n\n<|tool_calls_section_begin|><|tool_call_begin|>functions.bash:0<|tool_call_argument_begin|>{"command": "ls"}<|tool_call_end|><|tool_calls_section_end|>',
    };
  },
  /** Null content, the text only in the reasoning field (a malformed reply). */
  reasoningOnly(field: 'reasoning' | 'reasoning_content' = 'reasoning_content'): Completion {
    return { content: null, [field]: 'THOUGHT: I should list the files.\n\n```bash\nls\n```' };
  },
  /** Cut off by max_tokens (a malformed reply, whatever its text). */
  length(): Completion {
    return { content: 'THOUGHT: Let me think about this carefully and', finish_reason: 'length' };
  },
  /** A `<think>` block left in the content (a malformed turn). */
  think(): Completion {
    return { content: '<think>hmm</think>\nTHOUGHT: List files.\n\n```bash\nls\n```' };
  },
  /** A reply with two bash blocks (a malformed turn). */
  twoBlocks(): Completion {
    return { content: 'THOUGHT: Two things.\n\n```bash\nls\n```\n\n```bash\npwd\n```' };
  },
};

/** A short stable digest of a text, for deterministic scripted choices. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A number in [0, 1) from a text: deterministic "randomness" keyed by request content. */
export function unitHash(text: string): number {
  return Number.parseInt(digest(text).slice(0, 12), 16) / 2 ** 48;
}

export const scripts = {
  /** A well-formed turn that depends only on the request's messages (so reruns and caches compare exactly). */
  wellFormed(): Script {
    return (request) => {
      const tag = digest(JSON.stringify(request.body?.messages ?? request.text)).slice(0, 8);
      return replies.bash(`Next step for ${tag}.`, `grep -rn "step_${tag}" .`);
    };
  },
  /**
   * A simulated judge panel (`SIM_PANEL` unless given): every judge request is answered with a verdict
   * decided by the seed, the judge, the turn and the candidates' text only (never by arrival order), so
   * reruns and caches compare exactly. A candidate's quality is a hash of the seed, the conversation and
   * its text, uniform in [0, 1): a duel is clear when the two are far apart and close when they are near.
   * With `prefixCache`, replies report the prompt tokens a provider's prefix cache would have served.
   */
  judgePanel(options: { seed?: number; judges?: readonly SimJudge[]; prefixCache?: PrefixCache } = {}): Script {
    const seed = options.seed ?? 0;
    const judges = new Map((options.judges ?? SIM_PANEL).map((judge) => [judge.model, judge]));
    const fallback = (options.judges ?? SIM_PANEL)[0]!;
    return (request) => {
      const body = request.body;
      const user = body?.messages.find((m) => m.role === 'user')?.content ?? '';
      const a = judgeBlock(user, 'CANDIDATE A');
      const b = judgeBlock(user, 'CANDIDATE B');
      const conversation = judgeBlock(user, 'CONVERSATION') ?? '';
      if (body === undefined || a === undefined || b === undefined) return { content: 'not a judge request' };
      const judge = judges.get(body.model) ?? fallback;
      const turn = digest(conversation).slice(0, 16);
      // Text that differs only in spacing and case is the same candidate to a judge.
      const same = (text: string): string => text.toLowerCase().replace(/\s+/g, ' ').trim();
      const quality = (text: string): number => unitHash(`${seed}:quality:${turn}:${same(text)}`);
      const perceived = (text: string): number => quality(text) + judge.perception * normalHash(`${seed}:perceive:${judge.model}:${turn}:${same(text)}`);
      // This verdict's own draw: the order shown (the candidates' order) and the attempt (`seen`) decide it.
      const call = `${seed}:call:${judge.model}:${turn}:${digest(a).slice(0, 16)}:${digest(b).slice(0, 16)}:${request.seen}`;
      const promptChars = body.messages.reduce((n, m) => n + m.content.length, 0);
      const usage = (content: string) => ({
        prompt_tokens: Math.ceil(promptChars / 4),
        completion_tokens: Math.ceil(content.length / 4),
        ...(options.prefixCache ? { prompt_tokens_details: { cached_tokens: Math.floor(options.prefixCache.lookup(body.model, body.messages.map((m) => `${m.role}\n${m.content}\n`).join('')) / 4) } } : {}),
      });
      let content: string;
      if (unitHash(`${call}:abstain`) < judge.abstainRate) content = 'Both candidates have merit; I cannot decide between them.';
      else if (unitHash(`${call}:bias`) < judge.positionBias) content = simVerdict('A', 'A reads as the stronger step.');
      else {
        const margin = perceived(a) - perceived(b) + judge.verdictNoise * normalHash(`${call}:noise`);
        content = simVerdict(Math.abs(margin) < judge.tieBand ? 'tie' : margin > 0 ? 'A' : 'B', 'The decisive difference is in correctness and grounding.');
      }
      return { content, usage: usage(content) };
    };
  },
  /** Replies in order of arrival; the last one repeats. */
  sequence(list: readonly ScriptedReply[]): Script {
    return (request) => list[Math.min(request.index, list.length - 1)]!;
  },
  /**
   * `base`'s reply, except that a fraction `rate` of requests get a fault, chosen by a hash of the seed,
   * the body and `seen` (so a retry of the same request is decided afresh, and the choice does not
   * depend on arrival order).
   */
  faulty(options: { rate: number; seed?: number; faults?: readonly Fault[] }, base: Script = scripts.wellFormed()): Script {
    const faults: readonly Fault[] = options.faults ?? [
      { fault: 'rate-limit', retryAfter: 0 },
      { fault: 'status', status: 500 },
      { fault: 'status', status: 503 },
      { fault: 'reset' },
      { fault: 'truncated' },
      { fault: 'invalid-json' },
    ];
    return (request) => {
      const roll = unitHash(`${options.seed ?? 0}:${request.seen}:${request.text}`);
      if (roll < options.rate) return faults[Math.floor((roll / options.rate) * faults.length) % faults.length]!;
      return base(request);
    };
  },
};

/**
 * One simulated judge of `scripts.judgePanel`. Each judge sees every candidate's quality through its own
 * noise (the same in both orders), so judges disagree on close duels; on top of that, each verdict may be
 * position-biased (the candidate shown first, whatever it is), a tie when the two look alike, drawn with
 * some noise of its own (so a judge can flip between orders), or unparseable (an abstention).
 */
export interface SimJudge {
  model: string;
  /** Share of verdicts that pick the candidate shown first regardless (10-30% in published studies). */
  positionBias: number;
  /** Perceived quality differences below this are a tie. */
  tieBand: number;
  /** Spread of this judge's view of each candidate's quality (judges disagree through it). */
  perception: number;
  /** Spread of the per-verdict noise (a judge disagrees with itself through it). */
  verdictNoise: number;
  /** Share of replies with no verdict in them. */
  abstainRate: number;
}

/**
 * The simulated panel of the tests and the bench: three judges, position bias from 10% to 28%. Tuned so
 * that (measured by the bench over 1,000 duels) two judges agree on about 76% of verdicts, about a
 * fifth of position-swapped pairs flip, and duels range from clear to close.
 */
export const SIM_PANEL: readonly SimJudge[] = [
  { model: 'sim/judge-a', positionBias: 0.1, tieBand: 0.015, perception: 0.05, verdictNoise: 0.03, abstainRate: 0.01 },
  { model: 'sim/judge-b', positionBias: 0.15, tieBand: 0.02, perception: 0.05, verdictNoise: 0.04, abstainRate: 0.02 },
  { model: 'sim/judge-c', positionBias: 0.25, tieBand: 0.01, perception: 0.06, verdictNoise: 0.05, abstainRate: 0.02 },
];

/** A standard normal from two uniform hashes (Box-Muller). */
function normalHash(key: string): number {
  const u = Math.max(unitHash(`${key}:u`), 1e-12);
  const v = unitHash(`${key}:v`);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The fenced block `name` of a judge request, read with the request's own marker. */
function judgeBlock(content: string, name: string): string | undefined {
  const marker = /<<<NAME ([0-9a-f]{16})>>>/.exec(content)?.[1];
  if (marker === undefined) return undefined;
  const open = `<<<${name} ${marker}>>>\n`;
  const start = content.indexOf(open);
  if (start < 0) return undefined;
  const end = content.indexOf(`\n<<<END ${name} ${marker}>>>`, start);
  return end < 0 ? undefined : content.slice(start + open.length, end);
}

/**
 * A provider's automatic prefix cache, as vLLM keeps it: the prompt in blocks of `blockChars`, each
 * block's hash chained to the one before; the prompt tokens of the leading blocks already seen by the
 * same model are reported as `usage.prompt_tokens_details.cached_tokens` (chars / 4, as the usage estimate).
 */
export class PrefixCache {
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly blockChars = 256) {}

  /** The cached prompt characters of `text` for `model`, and remembers its blocks. */
  lookup(model: string, text: string): number {
    let blocks = this.seen.get(model);
    if (!blocks) this.seen.set(model, (blocks = new Set()));
    let chain = '';
    let cached = 0;
    let hit = true;
    for (let at = 0; at + this.blockChars <= text.length; at += this.blockChars) {
      chain = digest(`${chain}\0${text.slice(at, at + this.blockChars)}`);
      if (hit && blocks.has(chain)) cached += this.blockChars;
      else hit = false;
      blocks.add(chain);
    }
    return cached;
  }
}

/** A verdict reply as a judge writes it: scores that agree with the winner. */
function simVerdict(winner: 'A' | 'B' | 'tie', reason: string): string {
  const high = { correctness: 8, grounding: 8, progress: 7, protocol: 8, efficiency: 7 };
  const low = { correctness: 5, grounding: 6, progress: 4, protocol: 7, efficiency: 6 };
  const even = { correctness: 6, grounding: 6, progress: 6, protocol: 7, efficiency: 6 };
  const [a, b] = winner === 'A' ? [high, low] : winner === 'B' ? [low, high] : [even, even];
  return JSON.stringify({ reason, scores: { A: a, B: b }, winner });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function completionBody(reply: Completion, body: ChatRequestBody | undefined, index: number): string {
  const content = reply.content === undefined ? '' : reply.content;
  const promptText = (body?.messages ?? []).map((m) => m.content).join('');
  const reasoning = reply.reasoning ?? reply.reasoning_content ?? '';
  const usage = reply.usage ?? {
    prompt_tokens: approxTokens(promptText),
    completion_tokens: approxTokens((content ?? '') + reasoning),
    ...(reasoning === '' ? {} : { completion_tokens_details: { reasoning_tokens: approxTokens(reasoning) } }),
  };
  const message: Record<string, unknown> = { role: 'assistant', content };
  if (reply.reasoning !== undefined) message.reasoning = reply.reasoning;
  if (reply.reasoning_content !== undefined) message.reasoning_content = reply.reasoning_content;
  return JSON.stringify({
    id: `chatcmpl-test-${index}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: reply.model ?? body?.model ?? 'test-model',
    choices: [{ index: 0, message, finish_reason: reply.finish_reason === undefined ? 'stop' : reply.finish_reason }],
    usage,
  });
}

export async function startChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  let script: Script = options.script ?? scripts.wellFormed();
  const latencyMs = options.latencyMs ?? 0;
  const requests: RecordedRequest[] = [];
  const seenBodies = new Map<string, number>();
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  let bytesSent = 0;
  let closing = false;

  const wait = (ms: number, response: ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(resolve, ms);
      response.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  const sendJson = (response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    if (response.destroyed) return;
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    response.end(body);
  };

  /** `{"padding":"xxx...", <the completion's fields>}`, `bytes` long, written as the client reads it. */
  const sendLarge = async (response: ServerResponse, bytes: number, withLength: boolean, completion: string): Promise<void> => {
    const head = '{"padding":"';
    const tail = `",${completion.slice(1)}`;
    const fill = Math.max(0, bytes - head.length - tail.length);
    response.writeHead(200, { 'content-type': 'application/json', ...(withLength ? { 'content-length': String(head.length + fill + tail.length) } : {}) });
    const chunk = 'x'.repeat(1 << 20);
    const write = (text: string): Promise<boolean> =>
      new Promise((resolve) => {
        if (response.destroyed) return resolve(false);
        if (response.write(text)) return resolve(true);
        const settle = (): void => {
          response.off('drain', settle);
          response.off('close', settle);
          resolve(!response.destroyed);
        };
        response.once('drain', settle);
        response.once('close', settle);
      });
    const count = (text: string) => async (): Promise<boolean> => {
      const ok = await write(text);
      if (ok) bytesSent += text.length;
      return ok;
    };
    if (!(await count(head)())) return;
    for (let left = fill; left > 0; left -= chunk.length) if (!(await count(left >= chunk.length ? chunk : chunk.slice(0, left))())) return;
    if (!(await count(tail)())) return;
    response.end();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const text = await readBody(request);
    const path = (request.url ?? '/').split('?')[0]!;
    let body: ChatRequestBody | undefined;
    try {
      body = JSON.parse(text) as ChatRequestBody;
    } catch {
      body = undefined;
    }
    const seen = seenBodies.get(text) ?? 0;
    seenBodies.set(text, seen + 1);
    const recorded: RecordedRequest = { index: requests.length, method: request.method ?? 'GET', path, headers: request.headers, text, body, seen, at: performance.now() };
    requests.push(recorded);

    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(response, 401, JSON.stringify({ error: { message: 'Invalid API key', type: 'invalid_request_error' } }));
    }
    if (request.method === 'GET' && path.endsWith('/models')) {
      return sendJson(response, 200, JSON.stringify({ object: 'list', data: [{ id: 'test-model', object: 'model', owned_by: 'td-test' }] }));
    }
    if (request.method !== 'POST' || !path.endsWith('/chat/completions')) {
      return sendJson(response, 404, JSON.stringify({ error: { message: `no route ${request.method} ${path}` } }));
    }

    const reply = await script(recorded);
    await wait(latencyMs + ('delayMs' in reply && reply.delayMs ? reply.delayMs : 0), response);
    if (response.destroyed || closing) return;
    if (!('fault' in reply)) return sendJson(response, 200, completionBody(reply, body, recorded.index), reply.headers);
    switch (reply.fault) {
      case 'status':
        return sendJson(response, reply.status, reply.body ?? JSON.stringify({ error: { message: `scripted ${reply.status}`, type: 'server_error' } }), reply.headers);
      case 'rate-limit': {
        const headers: Record<string, string> = {};
        if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
        if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
        return sendJson(response, 429, JSON.stringify({ error: { message: 'rate limited', type: 'rate_limit_error' } }), headers);
      }
      case 'reset':
        request.socket.destroy();
        return;
      case 'invalid-json':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"id": "chatcmpl-broken", "choices": [ this is not json');
        return;
      case 'truncated': {
        const full = completionBody(replies.bash('Truncated.', 'ls'), body, recorded.index);
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(full) });
        response.write(full.slice(0, Math.floor(full.length / 2)), () => request.socket.destroy());
        return;
      }
      case 'hang':
        await wait(reply.ms ?? 2 ** 31 - 1, response);
        if (!response.destroyed && !closing) sendJson(response, 200, completionBody(replies.bash('Late.', 'ls'), body, recorded.index));
        return;
      case 'large':
        return sendLarge(response, reply.bytes, reply.contentLength ?? false, completionBody(replies.bash('Large.', 'ls'), body, recorded.index));
    }
  };

  const server: Server = createServer((request, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.once('close', () => inFlight--);
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) sendJson(response, 500, JSON.stringify({ error: { message: `test server script failed: ${String(error)}` } }));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get bytesSent() {
      return bytesSent;
    },
    chatRequests: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/chat/completions')),
    setScript(next) {
      script = next;
    },
    reset() {
      requests.length = 0;
      seenBodies.clear();
      maxInFlight = inFlight;
      bytesSent = 0;
    },
    close() {
      closing = true;
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
