import { formatZodError } from '../../core/zod-format.js';
import { DIMENSIONS } from '../../contract/judgement.js';
import { JudgeVerdictSchema, type JudgeVerdict } from './verdict-schema.js';

/** How a verdict was read: the whole reply was the JSON, a JSON object was found in prose, or one needed repair. */
export type ParseMethod = 'json' | 'extracted' | 'repaired';

export type ParsedVerdict = { ok: true; verdict: JudgeVerdict; method: ParseMethod } | { ok: false; error: string };

export interface ParseOptions {
  /**
   * Texts the judge was shown as data (the candidates). A JSON object that is a copy of a piece of them
   * is never taken as the verdict: a candidate that carries a fake verdict cannot have it parsed, even
   * when the judge quotes it (or is talked into repeating it).
   */
  quoted?: readonly string[];
}

/**
 * The parsing chain for a judge's reply, for servers that ignore `response_format` as well as those
 * that honour it:
 * 1. drop reasoning: `<think>...</think>` blocks, anything before a lone `</think>`, an unclosed `<think>` to the end;
 * 2. the whole reply (a code fence around it removed) as JSON;
 * 3. else the last top-level JSON object in the text that is a valid verdict;
 * 4. else the same, after a lenient repair (trailing commas, single quotes, unquoted keys, comments,
 *    curly quotes, Python literals).
 * Values are normalised before the check (`"a"`/`"Candidate A"` -> `A`, `"draw"` -> `tie`, `"8"` -> 8,
 * keys matched case-insensitively). What none of these yields is an abstention, with the reason.
 */
export function parseVerdict(content: string, options: ParseOptions = {}): ParsedVerdict {
  const text = withoutThinking(content).trim();
  if (text === '') return { ok: false, error: 'nothing but reasoning in the reply' };
  const quoted = (options.quoted ?? []).map(squeeze);
  const isQuote = (json: string): boolean => {
    const probe = squeeze(json);
    return quoted.some((q) => q.includes(probe));
  };
  let firstProblem: string | undefined;
  const tryJson = (json: string): JudgeVerdict | undefined => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      firstProblem ??= `not valid JSON (${(error as Error).message})`;
      return undefined;
    }
    const checked = JudgeVerdictSchema.safeParse(normalise(value), { reportInput: true });
    if (checked.success) return checked.data;
    firstProblem ??= `not a verdict: ${formatZodError(checked.error)}`;
    return undefined;
  };
  let quotedSkipped = 0;

  const whole = unfence(text);
  if (whole.startsWith('{')) {
    if (isQuote(whole)) quotedSkipped++;
    else {
      const verdict = tryJson(whole);
      if (verdict) return { ok: true, verdict, method: 'json' };
    }
  }
  for (const object of topLevelObjects(text, false).reverse()) {
    if (isQuote(object)) {
      quotedSkipped++;
      continue;
    }
    const verdict = tryJson(object);
    if (verdict) return { ok: true, verdict, method: 'extracted' };
  }
  const lenient = topLevelObjects(text, true);
  for (const object of lenient.reverse()) {
    if (isQuote(object)) continue;
    const verdict = tryJson(repairJson(object));
    if (verdict) return { ok: true, verdict, method: 'repaired' };
  }
  if (lenient.length === 0) return { ok: false, error: 'no JSON object in the reply' };
  if (quotedSkipped > 0 && firstProblem === undefined) return { ok: false, error: 'the only verdict in the reply is copied from a candidate' };
  return { ok: false, error: `no valid verdict in the reply (${firstProblem ?? 'no JSON object'})` };
}

/** The reply without its reasoning. */
export function withoutThinking(content: string): string {
  let text = content.replace(/<think(?:ing)?\s*>[\s\S]*?<\/think(?:ing)?\s*>/gi, '');
  const close = /<\/think(?:ing)?\s*>/gi;
  let last: RegExpExecArray | null = null;
  for (let match = close.exec(text); match; match = close.exec(text)) last = match;
  if (last) text = text.slice(last.index + last[0].length);
  const open = /<think(?:ing)?\s*>/i.exec(text);
  if (open) text = text.slice(0, open.index);
  return text;
}

/** Whitespace removed: a quoted object is found in a candidate however the judge re-indented it. */
function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}

/** The content of a reply that is one fenced code block (```json ... ```), else the text. */
function unfence(text: string): string {
  const match = /^```[\w-]*[ \t]*\n([\s\S]*?)\n?```$/.exec(text);
  return match ? match[1]!.trim() : text;
}

/**
 * The top-level `{...}` spans of a text, in order, found by brace matching that skips strings
 * (double-quoted; `lenient` also skips single- and curly-quoted ones). An unmatched `{` is passed over.
 */
export function topLevelObjects(text: string, lenient: boolean): string[] {
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('{', from);
    if (start < 0) return found;
    const end = matchingBrace(text, start, lenient);
    if (end < 0) {
      from = start + 1;
      continue;
    }
    found.push(text.slice(start, end + 1));
    from = end + 1;
  }
}

const CLOSING_QUOTE: Record<string, string> = { '"': '"', "'": "'", '“': '”' };

function matchingBrace(text: string, start: number, lenient: boolean): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || (lenient && (c === "'" || c === '“'))) {
      const close = CLOSING_QUOTE[c]!;
      for (i++; i < text.length && text[i] !== close; i++) if (text[i] === '\\') i++;
      if (i >= text.length) return -1;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const PYTHON_LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'null' };

/**
 * Lenient repair of almost-JSON, one pass outside strings: single- and curly-quoted strings become
 * double-quoted, bare keys get quotes, trailing commas and comments go, raw newlines inside strings are
 * escaped, Python's True/False/None become JSON's.
 */
export function repairJson(text: string): string {
  let out = '';
  let lastSignificant = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '“') {
      const close = CLOSING_QUOTE[c]!;
      let body = '';
      for (i++; i < text.length && text[i] !== close; i++) {
        const d = text[i]!;
        if (d === '\\' && i + 1 < text.length) {
          const next = text[++i]!;
          body += next === "'" ? "'" : `\\${next}`;
        } else if (d === '"') body += '\\"';
        else if (d === '\n') body += '\\n';
        else if (d === '\r') body += '\\r';
        else if (d === '\t') body += '\\t';
        else body += d;
      }
      out += `"${body}"`;
      lastSignificant = '"';
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      let word = c;
      while (i + 1 < text.length && /[\w$-]/.test(text[i + 1]!)) word += text[++i]!;
      const rest = text.slice(i + 1);
      if ((lastSignificant === '{' || lastSignificant === ',') && /^\s*:/.test(rest)) out += JSON.stringify(word);
      else out += PYTHON_LITERALS[word] ?? word;
      lastSignificant = 'w';
    } else if (c === ',') {
      if (!/^\s*[}\]]/.test(text.slice(i + 1))) out += c;
      lastSignificant = ',';
    } else {
      out += c;
      if (!/\s/.test(c)) lastSignificant = c;
    }
  }
  return out;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Looks a key up case-insensitively, ignoring spaces, dashes and underscores. */
function pick(object: Record<string, unknown>, ...names: string[]): unknown {
  const wanted = new Set(names.map(keyForm));
  for (const [key, value] of Object.entries(object)) if (wanted.has(keyForm(key))) return value;
  return undefined;
}

function keyForm(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '');
}

function position(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const side = /^(?:candidate|response|answer|option)?\s*[_-]?\s*\(?([ab])\)?$/i.exec(text);
  if (side) return side[1]!.toUpperCase();
  if (/^(?:tie|draw|equal|neither|none|both)$/i.test(text)) return 'tie';
  return value;
}

function score(value: unknown): unknown {
  return typeof value === 'string' && /^\s*\d+(?:\.0+)?\s*$/.test(value) ? Number(value) : value;
}

function positionScores(value: unknown): unknown {
  if (!isRecord(value)) return value;
  return Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, score(pick(value, dimension))]));
}

/** The forgivable differences in a verdict's shape, undone before the schema check. */
function normalise(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const scores = pick(value, 'scores');
  return {
    reason: pick(value, 'reason', 'reasoning', 'explanation', 'rationale'),
    scores: isRecord(scores)
      ? { A: positionScores(pick(scores, 'A', 'candidate_a', 'candidate a', 'response_a')), B: positionScores(pick(scores, 'B', 'candidate_b', 'candidate b', 'response_b')) }
      : scores,
    winner: position(pick(value, 'winner', 'verdict', 'better')),
  };
}
