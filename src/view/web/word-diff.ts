/**
 * A word-level diff (Myers' O(ND) algorithm over words, runs of whitespace and single punctuation
 * marks), for the king and the challenger side by side. Commands and thoughts are short, and a diff
 * is cut off at `maxEdits` so a pathological pair costs bounded time and memory (then the page shows
 * both texts without highlights).
 */

export type DiffOp = 'equal' | 'delete' | 'insert';

export interface DiffPart {
  op: DiffOp;
  text: string;
}

const TOKEN = /[\p{L}\p{N}_]+|\s+|[^\p{L}\p{N}_\s]/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export interface DiffLimits {
  /** Edits (inserted + deleted tokens) beyond which no diff is made. @default 2000 */
  maxEdits?: number;
}

/** The parts that turn `a` into `b`; undefined when they differ in more than `maxEdits` tokens. */
export function wordDiff(a: string, b: string, limits: DiffLimits = {}): DiffPart[] | undefined {
  const maxEdits = limits.maxEdits ?? 2000;
  const left = tokenize(a);
  const right = tokenize(b);
  let prefix = 0;
  while (prefix < left.length && prefix < right.length && left[prefix] === right[prefix]) prefix++;
  let suffix = 0;
  while (suffix < left.length - prefix && suffix < right.length - prefix && left[left.length - 1 - suffix] === right[right.length - 1 - suffix]) suffix++;
  const middle = myers(left.slice(prefix, left.length - suffix), right.slice(prefix, right.length - suffix), maxEdits);
  if (middle === undefined) return undefined;
  const parts: DiffPart[] = [];
  const push = (op: DiffOp, text: string): void => {
    if (text === '') return;
    const last = parts.at(-1);
    if (last && last.op === op) last.text += text;
    else parts.push({ op, text });
  };
  push('equal', left.slice(0, prefix).join(''));
  for (const part of middle) push(part.op, part.text);
  push('equal', left.slice(left.length - suffix).join(''));
  return parts;
}

function myers(a: readonly string[], b: readonly string[], maxEdits: number): DiffPart[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  /** The furthest x on each diagonal after each d, for diagonals -d..d only (O(D^2) memory in all). */
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, d);
    }
    trace.push(v.slice(offset - d, offset + d + 1));
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[], edits: number): DiffPart[] {
  const reversed: DiffPart[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = edits; d > 0; d--) {
    const previous = trace[d - 1]!;
    const at = (k: number): number => previous[k + d - 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) reversed.push({ op: 'equal', text: a[--x]! }), y--;
    if (down) reversed.push({ op: 'insert', text: b[--y]! });
    else reversed.push({ op: 'delete', text: a[--x]! });
  }
  while (x > 0 && y > 0) reversed.push({ op: 'equal', text: a[--x]! }), y--;
  return reversed.reverse();
}

/** The text of one side of a diff: `delete` keeps the left text, `insert` the right. */
export function sideText(parts: readonly DiffPart[], side: 'delete' | 'insert'): string {
  return parts
    .filter((part) => part.op === 'equal' || part.op === side)
    .map((part) => part.text)
    .join('');
}
