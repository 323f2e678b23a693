/**
 * A chat-completions script that plays every model of the duel at once: agent turns for `td king` and
 * `td challenge`, JSON verdicts for `td judge`, with transport faults and malformed replies mixed in.
 * Every choice is a hash of the request (and, where a retry must be decided afresh, of how often the
 * same body came before), never of arrival order, so concurrent runs are reproducible.
 */
import { digest, replies, unitHash, type ChatRequestBody, type Completion, type Fault, type RecordedRequest, type Script } from '../helpers/chat-server.js';

export interface DuelScriptOptions {
  /** Varies every choice. @default 0 */
  seed?: number;
  /** Share of requests answered with a transport fault, decided afresh for every request. @default 0 */
  faultRate?: number;
  /** The faults drawn from. @default 429 (Retry-After: 1), 500, 503, reset, truncated body, invalid JSON */
  faults?: readonly Fault[];
  /** Share of agent-turn replies that are malformed: three in four carry Kimi tool-call tokens, one a `<think>` block. @default 0 */
  malformedRate?: number;
  /**
   * `reply`: decided afresh for each reply the server sends to the same body, so asking again can
   * succeed (a single run's view). `request`: by the body alone, so every attempt of that request is
   * malformed on every run (what a reproducible rerun needs: the attempt index is not in the body).
   * @default 'reply'
   */
  malformedBy?: 'reply' | 'request';
  /** Share of request bodies answered 503 every time, more often than any retry budget (the turn fails transient). @default 0 */
  stuckRate?: number;
  /** Share of agent-turn request bodies answered with Kimi tool-call tokens every time (the turn is rejected: format). @default 0 */
  hopelessRate?: number;
  /** Share of turns whose judge requests all get prose without a verdict (the turn ends as parse-fail). @default 0 */
  unparseableRate?: number;
  /** Sees every request before it is answered (e.g. to kill the pipe at the Nth). */
  onRequest?: (request: RecordedRequest) => void;
}

export const DEFAULT_FAULTS: readonly Fault[] = [
  { fault: 'rate-limit', retryAfter: 1 },
  { fault: 'status', status: 500 },
  { fault: 'status', status: 503 },
  { fault: 'reset' },
  { fault: 'truncated' },
  { fault: 'invalid-json' },
];

export interface DuelScript {
  script: Script;
  /** What was served, by kind: `turn`, `kimi`, `think`, `hopeless`, `verdict`, `unparseable`, `stuck`, `fault:rate-limit`, `fault:500`, ... */
  served: Map<string, number>;
}

const CANDIDATE_A = /<<<CANDIDATE A [0-9a-f]{16}>>>/;
const CONVERSATION = /<<<CONVERSATION ([0-9a-f]{16})>>>\n([\s\S]*?)\n<<<END CONVERSATION \1>>>/;

/** Whether a request comes from `td judge` (its user message fences the candidates). */
export function isJudgeRequest(body: ChatRequestBody | undefined): boolean {
  return body !== undefined && CANDIDATE_A.test(body.messages[1]?.content ?? '');
}

export function duelScript(options: DuelScriptOptions = {}): DuelScript {
  const seed = options.seed ?? 0;
  const faults = options.faults ?? DEFAULT_FAULTS;
  const served = new Map<string, number>();
  const repliesSent = new Map<string, number>();
  const count = (kind: string): void => void served.set(kind, (served.get(kind) ?? 0) + 1);
  const agentTurn = (body: ChatRequestBody): Completion => {
    const tag = digest(JSON.stringify(body.messages)).slice(0, 8);
    return replies.bash(`Next step for ${tag}.`, `grep -rn "step_${tag}" .`);
  };

  const script: Script = (request) => {
    options.onRequest?.(request);
    if (unitHash(`${seed}:stuck:${request.text}`) < (options.stuckRate ?? 0)) {
      count('stuck');
      return { fault: 'status', status: 503, body: JSON.stringify({ error: { message: 'no instances available' } }) };
    }
    const roll = unitHash(`${seed}:fault:${request.seen}:${request.text}`);
    const rate = options.faultRate ?? 0;
    if (roll < rate) {
      const fault = faults[Math.floor((roll / rate) * faults.length) % faults.length]!;
      count(`fault:${fault.fault === 'status' ? fault.status : fault.fault}`);
      return fault;
    }
    const body = request.body!;
    const nth = repliesSent.get(request.text) ?? 0;
    repliesSent.set(request.text, nth + 1);

    if (isJudgeRequest(body)) {
      const conversation = CONVERSATION.exec(body.messages[1]!.content)?.[2] ?? '';
      if (unitHash(`${seed}:unparseable:${conversation}`) < (options.unparseableRate ?? 0)) {
        count('unparseable');
        return { content: 'Both candidates have merits; I cannot decide between them.' };
      }
      count('verdict');
      return { content: JSON.stringify(verdictFor(`${seed}:verdict:${request.text}`)) };
    }

    if (unitHash(`${seed}:hopeless:${request.text}`) < (options.hopelessRate ?? 0)) {
      count('hopeless');
      return replies.kimiToolCall();
    }
    const malformedKey = options.malformedBy === 'request' ? request.text : `${nth}:${request.text}`;
    const malformed = unitHash(`${seed}:malformed:${malformedKey}`);
    const malformedRate = options.malformedRate ?? 0;
    if (malformed < malformedRate) {
      const kimi = malformed < malformedRate * 0.75;
      count(kimi ? 'kimi' : 'think');
      return kimi ? replies.kimiToolCall() : replies.think();
    }
    count('turn');
    return agentTurn(body);
  };
  return { script, served };
}

/** A verdict in the judge's schema, chosen by a hash: A 45%, B 40%, tie 15%, with scores that agree. */
function verdictFor(key: string): Record<string, unknown> {
  const roll = unitHash(key);
  const winner = roll < 0.45 ? 'A' : roll < 0.85 ? 'B' : 'tie';
  const high = 6 + Math.floor(unitHash(`${key}:high`) * 5);
  const low = 2 + Math.floor(unitHash(`${key}:low`) * 4);
  const side = (wins: boolean) => {
    const value = winner === 'tie' ? 6 : wins ? high : low;
    return { correctness: value, grounding: value, progress: value, protocol: value, efficiency: value };
  };
  return { reason: `Candidate ${winner} takes the more grounded step.`, scores: { A: side(winner === 'A'), B: side(winner === 'B') }, winner };
}
