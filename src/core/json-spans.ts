/**
 * Where the members of an object, or the elements of an array, lie in the text of valid JSON: enough to
 * cut a field out of a line and leave every other byte as it was read (number spelling, key order,
 * duplicate keys, escapes, spacing), which parsing and serialising again would not. No recursion: a
 * nested value is skipped by counting brackets outside strings.
 */

/** One member of an object: its key (unescaped) and the text from its key's opening quote to its value's end. */
export interface MemberSpan {
  key: string;
  start: number;
  /** Where its value starts (first byte after the colon and any spacing). */
  valueStart: number;
  end: number;
}

/** One element of an array: where its value starts and ends. */
export interface ElementSpan {
  start: number;
  end: number;
}

const QUOTE = 34;
const BACKSLASH = 92;

function skipSpace(text: string, at: number): number {
  for (;;) {
    const code = text.charCodeAt(at);
    if (code === 32 || code === 9 || code === 10 || code === 13) at++;
    else return at;
  }
}

/** The index just past the string whose opening quote is at `at`. */
function stringEnd(text: string, at: number): number {
  for (let quote = text.indexOf('"', at + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
  return text.length;
}

/** The index just past the value starting at `at` (a string, an object, an array, a number or a literal). */
export function valueEnd(text: string, at: number): number {
  const first = text[at];
  if (first === '"') return stringEnd(text, at);
  if (first !== '{' && first !== '[') {
    let end = at;
    while (end < text.length && !',}] \t\n\r'.includes(text[end]!)) end++;
    return end;
  }
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) i = stringEnd(text, i) - 1;
    else if (code === 123 || code === 91) depth++;
    else if ((code === 125 || code === 93) && --depth === 0) return i + 1;
  }
  return text.length;
}

/** The members of the object whose `{` is at `at`, in order (duplicates included). */
export function objectMembers(text: string, at: number): MemberSpan[] {
  const members: MemberSpan[] = [];
  let i = skipSpace(text, at + 1);
  if (text[i] === '}') return members;
  for (;;) {
    const keyEnd = stringEnd(text, i);
    const written = text.slice(i, keyEnd);
    const key = written.includes('\\') ? (JSON.parse(written) as string) : written.slice(1, -1);
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const end = valueEnd(text, valueStart);
    members.push({ key, start: i, valueStart, end });
    i = skipSpace(text, end);
    if (text[i] !== ',') return members;
    i = skipSpace(text, i + 1);
  }
}

/** The elements of the array whose `[` is at `at`, in order. */
export function arrayElements(text: string, at: number): ElementSpan[] {
  const elements: ElementSpan[] = [];
  let i = skipSpace(text, at + 1);
  if (text[i] === ']') return elements;
  for (;;) {
    const end = valueEnd(text, i);
    elements.push({ start: i, end });
    i = skipSpace(text, end);
    if (text[i] !== ',') return elements;
    i = skipSpace(text, i + 1);
  }
}

/** A piece of `text` to replace: `[start, end)` by `with`. */
export interface TextEdit {
  start: number;
  end: number;
  with: string;
}

/** `text` with the edits made (they must not overlap; any order). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  if (edits.length === 0) return text;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    out += text.slice(at, edit.start) + edit.with;
    at = edit.end;
  }
  return out + text.slice(at);
}
