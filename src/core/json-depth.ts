/**
 * How deep a JSON text nests, checked on its bytes before it is parsed. `JSON.parse` takes any depth,
 * but `JSON.stringify` (the JSONL writer, the errors file, td report) recurses and overflows the stack
 * a few thousand levels down; a record deeper than the limit is rejected as `too-deep` where it is read.
 */

/** Arrays and objects a record may nest (the top-level object is level 1). Real records nest under 20. */
export const MAX_JSON_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether the JSON text in `bytes[start, end)` opens more than `limit` arrays and objects inside one
 * another. One pass, no recursion: brackets are counted outside strings, and a string is skipped to its
 * closing quote with `indexOf` (native), so the cost is about that of a memchr over the string bodies.
 * Exact for valid JSON; for invalid text it is a count of the brackets outside what look like strings.
 */
export function nestsDeeperThan(bytes: Uint8Array, limit = MAX_JSON_DEPTH, start = 0, end = bytes.length): boolean {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte === QUOTE) {
      i = closingQuote(bytes, i + 1, end);
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** The index of the quote that ends the string starting at `from` (one not escaped by an odd run of backslashes), or `end`. */
function closingQuote(bytes: Uint8Array, from: number, end: number): number {
  for (let at = from; ; at++) {
    at = bytes.indexOf(QUOTE, at);
    if (at === -1 || at >= end) return end;
    let backslashes = 0;
    while (at - 1 - backslashes >= from && bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/**
 * The same check on a value already built (a source's record): iterative, with an explicit stack, so a
 * value too deep to serialise is measured without overflowing the stack either.
 */
export function valueNestsDeeperThan(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: current, depth } = next;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
