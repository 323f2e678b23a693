import type { ChatRequestBody, Completion, RecordedRequest, Script, ScriptedReply } from './chat-server.js';
import { turnRecord } from './records.js';

/** The fence marker of a judge request, from its user message's first line. */
export function nonceOf(body: ChatRequestBody): string {
  const match = /<<<NAME ([0-9a-f]{16})>>>/.exec(body.messages[1]!.content);
  if (!match) throw new Error('no fence marker in the judge request');
  return match[1]!;
}

/** The text of a fenced block (`CANDIDATE A`, `CANDIDATE B`, `CONVERSATION`, `REFERENCE FIX`) of a judge request, read with the real fences. */
export function blockOf(body: ChatRequestBody, name: string): string | undefined {
  const nonce = nonceOf(body);
  const text = body.messages[1]!.content;
  const open = `<<<${name} ${nonce}>>>\n`;
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const end = text.indexOf(`\n<<<END ${name} ${nonce}>>>`, start);
  return text.slice(start + open.length, end);
}

export type Side = 'A' | 'B' | 'tie';
const DEFAULT_SCORES = { correctness: 7, grounding: 7, progress: 7, protocol: 7, efficiency: 7 };

/** A verdict object as a judge writes it. */
export function verdict(winner: Side, options: { a?: Partial<typeof DEFAULT_SCORES>; b?: Partial<typeof DEFAULT_SCORES>; reason?: string } = {}) {
  return {
    reason: options.reason ?? `I prefer ${winner}.`,
    scores: { A: { ...DEFAULT_SCORES, ...options.a }, B: { ...DEFAULT_SCORES, ...options.b } },
    winner,
  };
}

export function verdictReply(winner: Side, options: Parameters<typeof verdict>[1] = {}): Completion {
  return { content: JSON.stringify(verdict(winner, options)) };
}

export interface JudgeCall {
  model: string;
  /** Which position the challenger holds in this request. */
  challengerAt: 'A' | 'B';
  request: RecordedRequest;
}

/**
 * A scripted judge server: `decide` sees which model is asked and where the challenger sits (recognised
 * by `marker` in its text) and answers. Positions are found through the real fences, as a judge reads them.
 */
export function judgeScript(decide: (call: JudgeCall) => ScriptedReply, marker = 'CHALLENGER'): Script {
  return (request) => {
    const body = request.body!;
    const a = blockOf(body, 'CANDIDATE A') ?? '';
    return decide({ model: body.model, challengerAt: a.includes(marker) ? 'A' : 'B', request });
  };
}

/** A judge that always prefers the challenger (`'challenger'`), the king, a tie, or always position A. */
export function prefers(choice: 'challenger' | 'king' | 'tie' | 'A'): (call: JudgeCall) => Completion {
  return ({ challengerAt }) => {
    if (choice === 'tie') return verdictReply('tie');
    if (choice === 'A') return verdictReply('A');
    const kingAt = challengerAt === 'A' ? 'B' : 'A';
    return verdictReply(choice === 'challenger' ? challengerAt : kingAt);
  };
}

export const KING_TURN = 'THOUGHT: Let me look at the parser.\n\n```bash\ncat src/parser.py\n```';
export const CHALLENGER_TURN = 'THOUGHT: CHALLENGER reads the tokenizer first.\n\n```bash\ngrep -n "tokens" src/parser.py\n```';

/** A record ready for `td judge`: a turn with a king and a challenger. */
export function duelRecord(i = 0, overrides: Record<string, unknown> = {}) {
  const base = turnRecord({ id: `r${i}`, instance_id: `acme__widgets-${i}` });
  return {
    ...base,
    messages: [...base.messages.slice(0, -1), { role: 'user' as const, content: `Observation: README.md\nsrc\ntests\nsrc/parser.py\nitem ${i}\n` }],
    king: KING_TURN,
    challenger: CHALLENGER_TURN,
    ...overrides,
  };
}
