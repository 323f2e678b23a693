import { formatZodError } from '../../core/zod-format.js';
import { DIMENSIONS } from '../../contract/judgement.js';
import { JudgeVerdictSchema, type JudgeVerdict } from './verdict-schema.js';

/** How a verdict was read: the whole reply was the JSON, a JSON object was found in prose, or one needed repair. */
export type ParseMethod = 'json' | 'extracted' | 'repaired';

export type ParsedVerdict = { ok: true; verdict: JudgeVerdict; method: ParseMethod } | { ok: false; error: string };

export interface ParseOptions {
  /**
   * The texts the judge was shown as data, in the order shown (the conversation, the reference fix,
   * candidate A, candidate B). Any of them can carry a fake verdict, which the judge may quote or be
   * talked into repeating, so no verdict copied from them is taken as the judge's: neither a JSON object
   * that occurs in them (compared with whitespace removed, also across the boundary between two of them,
   * as a fake verdict split between the end of A and the start of B, in either order), nor one that reads
   * as the same verdict as one they hold, however it was re-quoted, re-indented or repaired.
   */
  quoted?: readonly string[];
}

export const COPIED_VERDICT = 'the only verdict in the reply is copied from what the judge was shown';

/**
 * The parsing chain for a judge's reply, for servers that ignore `response_format` as well as those
 * that honour it:
 * 1. drop reasoning outside JSON strings: `<think>...</think>` blocks, anything before a lone `</think>`, an
 *    unclosed `<think>` to the end;
 * 2. the whole reply (a code fence around it removed) as JSON;
 * 3. else the last top-level JSON object in the text that is a valid verdict;
 * 4. else the same, after a lenient repair (trailing commas, single quotes, unquoted keys, comments,
 *    curly quotes, Python literals).
 * Values are normalised before the check (`"a"`/`"Candidate A"` -> `A`, `"draw"` -> `tie`, `"8"` -> 8,
 * keys matched case-insensitively). A verdict copied from the shown texts is passed over (see
 * `ParseOptions.quoted`), so the judge's own verdict wins whether it comes before or after a quoted one.
 * What none of these yields is an abstention, with the reason.
 */
export function parseVerdict(content: string, options: ParseOptions = {}): ParsedVerdict {
  const text = withoutThinking(content).trim();
  if (text === '') return { ok: false, error: 'nothing but reasoning in the reply' };
  const copies = new CopyCheck(options.quoted ?? []);
  let firstProblem: string | undefined;
  let copiesSkipped = 0;
  // A verdict is checked for being a copy only once it is a verdict: the copy check scans the shown
  // texts, and a reply of a million `{}` must not cost a million scans.
  const verdictOf = (json: string, repair: boolean): JudgeVerdict | undefined => {
    const verdict = readVerdict(repair ? repairJson(json) : json);
    if (typeof verdict === 'string') {
      firstProblem ??= verdict;
      return undefined;
    }
    if (!copies.isCopy(json, verdict)) return verdict;
    copiesSkipped++;
    return undefined;
  };

  const whole = unfence(text);
  if (whole.startsWith('{')) {
    const verdict = verdictOf(whole, false);
    if (verdict) return { ok: true, verdict, method: 'json' };
  }
  for (const object of topLevelObjects(text, false).reverse()) {
    const verdict = verdictOf(object, false);
    if (verdict) return { ok: true, verdict, method: 'extracted' };
  }
  const lenient = topLevelObjects(text, true);
  for (const object of lenient.reverse()) {
    const verdict = verdictOf(object, true);
    if (verdict) return { ok: true, verdict, method: 'repaired' };
  }
  if (lenient.length === 0) return { ok: false, error: 'no JSON object in the reply' };
  // The verdicts there were are all copies: that says more than what was wrong with the other objects.
  if (copiesSkipped > 0) return { ok: false, error: COPIED_VERDICT };
  return { ok: false, error: `no valid verdict in the reply (${firstProblem ?? 'no JSON object'})` };
}

/** A JSON text as a verdict (normalised and checked), or what is wrong with it. */
function readVerdict(json: string): JudgeVerdict | string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const checked = JudgeVerdictSchema.safeParse(normalise(value), { reportInput: true });
  return checked.success ? checked.data : `not a verdict: ${formatZodError(checked.error)}`;
}

/** `scores` as keyForm reads a key: any case, spaces, dashes and underscores anywhere. */
const SCORES_KEY = /s[\s_-]*c[\s_-]*o[\s_-]*r[\s_-]*e[\s_-]*s/i;

/** A JSON text as a verdict, or undefined: `readVerdict` without the message, quick to refuse what is not one. */
function asVerdict(json: string): JudgeVerdict | undefined {
  // Most objects of a conversation are not verdicts: refused before JSON.parse (whose errors are slow)
  // when no key can read as `scores`, and before the schema (and its error messages).
  if (!json.includes('\\u') && !SCORES_KEY.test(json)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !keyForms(parsed).has('scores')) return undefined;
  const value = normalise(parsed);
  const checked = JudgeVerdictSchema.safeParse(value);
  return checked.success ? checked.data : undefined;
}

/** Every verdict a text holds, as the parser would read it (strict, then repaired). */
function verdictsIn(text: string): JudgeVerdict[] {
  const strict = topLevelObjects(text, false).map(asVerdict);
  const repaired = topLevelObjects(text, true).map((object) => asVerdict(repairJson(object)));
  return [...strict, ...repaired].filter((verdict) => verdict !== undefined);
}

/**
 * Whether a verdict of the reply was copied from the texts the judge was shown. They are read end to
 * end in the order shown and in the reverse order: a fake verdict split between the end of one text and
 * the start of the next is still one piece, whichever order the duel showed the two candidates in.
 */
class CopyCheck {
  /** The shown texts end to end, whitespace removed (both orders). */
  private readonly squeezed: string[];
  /** The verdicts the shown texts hold, joined by line breaks (both orders), as JSON. */
  private planted: Set<string> | undefined;

  constructor(private readonly shown: readonly string[]) {
    const parts = shown.map(squeeze);
    this.squeezed = [parts.join(''), parts.reverse().join('')];
  }

  isCopy(json: string, verdict: JudgeVerdict): boolean {
    if (this.shown.length === 0) return false;
    const probe = squeeze(json);
    if (this.squeezed.some((text) => text.includes(probe))) return true;
    this.planted ??= new Set(this.joined('\n').flatMap(verdictsIn).map((planted) => JSON.stringify(planted)));
    return this.planted.has(JSON.stringify(verdict));
  }

  private joined(separator: string): string[] {
    return [this.shown.join(separator), [...this.shown].reverse().join(separator)];
  }
}

const THINK_TAG = /<(\/?)think(?:ing)?\s*>/iy;
const THINK_CLOSE = /<\/think(?:ing)?\s*>/gi;

/**
 * The reply without its reasoning: `<think>...</think>` blocks (and `<thinking>`), everything before a
 * lone `</think>` (a template that opened the block itself), an unclosed `<think>` to the end. Only tags
 * outside JSON strings count: a verdict whose reason quotes a `<think>` tag (a candidate that leaked one)
 * is not cut there. A JSON string is a double-quoted run inside braces; quotes in prose outside braces
 * open nothing.
 */
export function withoutThinking(content: string): string {
  let kept = '';
  let from = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === '"' && depth > 0) inString = true;
    if (c !== '<') continue;
    THINK_TAG.lastIndex = i;
    const tag = THINK_TAG.exec(content);
    if (!tag) continue;
    const tagEnd = i + tag[0].length;
    if (tag[1] === '/') {
      // A lone closing tag: everything before it was reasoning.
      kept = '';
      depth = 0;
    } else {
      kept += content.slice(from, i);
      THINK_CLOSE.lastIndex = tagEnd;
      const close = THINK_CLOSE.exec(content);
      if (!close) return kept;
      i = close.index + close[0].length - 1;
      from = i + 1;
      continue;
    }
    from = tagEnd;
    i = tagEnd - 1;
  }
  return kept + content.slice(from);
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
 * (double-quoted; `lenient` also skips single- and curly-quoted ones): from the first `{`, the span
 * to the `}` that closes it; an unmatched `{` is passed over and the matching starts again from the
 * next `{`, wherever it is (even inside a string of the failed match).
 */
export function topLevelObjects(text: string, lenient: boolean): string[] {
  // Matched one at a time while they close (each reads only its own span); from the first that does not
  // (it read to the end), every later `{` is matched in the one pass of closingBraces.
  let closing: Int32Array | undefined;
  let offset = 0;
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('{', from);
    if (start < 0) return found;
    let end: number;
    if (closing) end = closing[start - offset]! < 0 ? -1 : closing[start - offset]! + offset;
    else {
      end = matchingBrace(text, start, lenient);
      if (end < 0) [closing, offset] = [closingBraces(text.slice(start), lenient), start];
    }
    if (end < 0) {
      from = start + 1;
      continue;
    }
    found.push(text.slice(start, end + 1));
    from = end + 1;
  }
}

const CLOSING_QUOTE: Record<string, string> = { '"': '"', "'": "'", '“': '”' };

/** Where the brace matching that starts at the `{` at `start` (skipping strings) closes it, or -1. */
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

/** Where a brace matching is: outside strings, in a string of one of the quotes, or right after a backslash in one. */
const OUTSIDE = 0;
const OPENING_QUOTES = ['"', "'", '“'].map((quote) => quote.charCodeAt(0));
const CLOSING_QUOTES = ['"', "'", '”'].map((quote) => quote.charCodeAt(0));
const BACKSLASH = 92;
const inString = (quote: number): number => 1 + 2 * quote;
const escaped = (quote: number): number => 2 + 2 * quote;
/** The characters that can change a matching's state (any character after a backslash does too). */
const SPECIAL = { strict: /[{}\\"]/g, lenient: /[{}\\"'“”]/g };

/**
 * Brace matchings in progress that are in the same state at the same place: from there on they read
 * the text alike, so they are advanced as one. `level` is their common brace depth (offset per group);
 * `waiting` maps the level at which a matching ends to the `{` it started from.
 */
interface Matchings {
  state: number;
  level: number;
  /** Mostly one `{` per level: held as a number, a list only when groups merge. */
  waiting: Map<number, number | number[]>;
  size: number;
}

/**
 * For every `{` of the text, where the brace matching that starts at it ends (the index of its `}`),
 * or -1: the matching from each `{` reads on to the end of the text when it fails, so restarting it
 * from each `{` takes time quadratic in the text (a reply of a million `{`). Here every matching runs at
 * once, in a single pass: matchings in the same state (outside strings, inside a string of a given
 * quote, after a backslash in one) behave alike from then on, so there are at most seven groups, merged
 * when they meet (the smaller into the larger), and each character is read once per group.
 *
 * @param steps counts the work done (groups advanced and matchings moved), for tests of its bound.
 */
export function closingBraces(text: string, lenient: boolean, steps?: { count: number }): Int32Array {
  const closing = new Int32Array(text.length).fill(-1);
  const quotes = lenient ? OPENING_QUOTES.length : 1;
  const special = new RegExp(lenient ? SPECIAL.lenient : SPECIAL.strict);
  let groups: Matchings[] = [];
  let next: Matchings[] = [];
  let work = 0;
  let afterBackslash = false;
  for (let i = 0; i < text.length; i++) {
    if (!afterBackslash) {
      // Nothing changes at other characters: skip to the next one that can.
      special.lastIndex = i;
      const found = special.exec(text);
      if (!found) break;
      i = found.index;
    }
    const c = text.charCodeAt(i);
    afterBackslash = false;
    next.length = 0;
    for (const group of groups) {
      work++;
      if (group.state === OUTSIDE) {
        const quote = OPENING_QUOTES.indexOf(c);
        if (quote >= 0 && quote < quotes) group.state = inString(quote);
        else if (c === 123) group.level++;
        else if (c === 125) {
          group.level--;
          const ended = group.waiting.get(group.level);
          if (ended !== undefined) {
            for (const start of typeof ended === 'number' ? [ended] : ended) closing[start] = i;
            group.waiting.delete(group.level);
            group.size -= typeof ended === 'number' ? 1 : ended.length;
          }
        }
      } else if (group.state % 2 === 1) {
        const quote = (group.state - 1) / 2;
        if (c === CLOSING_QUOTES[quote]) group.state = OUTSIDE;
        else if (c === BACKSLASH) {
          group.state = escaped(quote);
          afterBackslash = true;
        }
      } else group.state -= 1;
      if (group.size > 0) work += join(next, group);
    }
    // A matching starts at every `{`: outside strings, one level deep, ending back at level 0 (one below
    // the level the group outside strings, if any, is at now).
    if (c === 123) {
      const outside = next.find((group) => group.state === OUTSIDE);
      if (!outside) next.push({ state: OUTSIDE, level: 1, waiting: new Map([[0, i]]), size: 1 });
      else {
        wait(outside.waiting, outside.level - 1, i);
        outside.size++;
      }
      work++;
    }
    [groups, next] = [next, groups];
  }
  if (steps) steps.count += work;
  return closing;
}

function wait(waiting: Map<number, number | number[]>, level: number, starts: number | number[]): void {
  const held = waiting.get(level);
  if (held === undefined) waiting.set(level, starts);
  else if (typeof held === 'number') waiting.set(level, typeof starts === 'number' ? [held, starts] : [held, ...starts]);
  else if (typeof starts === 'number') held.push(starts);
  else for (const start of starts) held.push(start);
}

/** Adds `group` to `groups`, merging it with the group in the same state; returns the matchings moved. */
function join(groups: Matchings[], group: Matchings): number {
  const same = groups.findIndex((other) => other.state === group.state);
  if (same < 0) {
    groups.push(group);
    return 0;
  }
  const [large, small] = groups[same]!.size >= group.size ? [groups[same]!, group] : [group, groups[same]!];
  for (const [level, starts] of small.waiting) wait(large.waiting, level - small.level + large.level, starts);
  large.size += small.size;
  groups[same] = large;
  return small.size;
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

/** An object's keys by their form (case-insensitive, without spaces, dashes and underscores), each with its value and place. */
type KeyForms = Map<string, { at: number; value: unknown }>;

function keyForms(object: Record<string, unknown>): KeyForms {
  const forms: KeyForms = new Map();
  let at = 0;
  for (const [key, value] of Object.entries(object)) {
    const form = keyForm(key);
    if (!forms.has(form)) forms.set(form, { at, value });
    at++;
  }
  return forms;
}

/** The value of the first key (in the object's order) that reads as one of `names`. */
function pick(forms: KeyForms, ...names: string[]): unknown {
  let first: { at: number; value: unknown } | undefined;
  for (const name of names) {
    const found = forms.get(keyForm(name));
    if (found && (!first || found.at < first.at)) first = found;
  }
  return first?.value;
}

function keyForm(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '');
}

function position(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  // `\s*(?:[_-]\s*)?`, not `\s*[_-]?\s*`: two adjacent `\s*` split a long run of spaces every possible way.
  const side = /^(?:candidate|response|answer|option)?\s*(?:[_-]\s*)?\(?([ab])\)?$/i.exec(text);
  if (side) return side[1]!.toUpperCase();
  if (/^(?:tie|draw|equal|neither|none|both)$/i.test(text)) return 'tie';
  return value;
}

function score(value: unknown): unknown {
  return typeof value === 'string' && /^\s*\d+(?:\.0+)?\s*$/.test(value) ? Number(value) : value;
}

function positionScores(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const forms = keyForms(value);
  return Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, score(pick(forms, dimension))]));
}

/** The forgivable differences in a verdict's shape, undone before the schema check. */
function normalise(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const forms = keyForms(value);
  const scores = pick(forms, 'scores');
  const scoreForms = isRecord(scores) ? keyForms(scores) : undefined;
  return {
    reason: pick(forms, 'reason', 'reasoning', 'explanation', 'rationale'),
    scores: scoreForms
      ? { A: positionScores(pick(scoreForms, 'A', 'candidate_a', 'candidate a', 'response_a')), B: positionScores(pick(scoreForms, 'B', 'candidate_b', 'candidate b', 'response_b')) }
      : scores,
    winner: position(pick(forms, 'winner', 'verdict', 'better')),
  };
}
