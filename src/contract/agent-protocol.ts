/**
 * The agent protocol (mini-swe-agent's): how td reads an agent's reply, in one place for the format
 * gate, `td/repair`, the leak check, the rules judge and the report's action styles: the bash block
 * (mini-swe-agent's own regex), the THOUGHT before it, and what a path or file name looks like. Every
 * reader of a command takes it from here, so none can classify a different command than the one the
 * gate checked. Part of the record contract: a turn (`assistant`, `king`, `challenger`) is a reply in
 * this protocol.
 */

/** mini-swe-agent's action regex (`` ```bash\s*\n(.*?)\n``` ``, DOTALL), as a global JS regex (`[\s\S]` is DOTALL's `.`). */
const BASH_BLOCK = /```bash\s*\n([\s\S]*?)\n```/g;
const BLOCK_END = '\n```';
/** A THOUGHT label followed by some reasoning. */
const THOUGHT = /THOUGHT\b[\s:]*[^\s:]/;

export interface BashBlock {
  /** Where the block starts in the reply. */
  index: number;
  /** The whole block, fences included. */
  block: string;
  /** The command inside it. */
  command: string;
}

/** Every bash block of a reply, as mini-swe-agent finds them. */
export function bashBlocks(reply: string): BashBlock[] {
  return [...blockMatches(reply)].map((match) => ({ index: match.index, block: match[0], command: match[1]! }));
}

/** The first bash block of a reply (the one the agent would run), or undefined. */
export function firstBashBlock(reply: string): BashBlock | undefined {
  for (const match of blockMatches(reply)) return { index: match.index, block: match[0], command: match[1]! };
  return undefined;
}

/**
 * The regex's matches, searched only up to the last closing fence: every match ends at one, and an
 * opening fence with no closing fence after it would otherwise be scanned to the end of the reply once
 * per opening fence (quadratic time on a reply of many unclosed blocks).
 */
function blockMatches(reply: string): IterableIterator<RegExpExecArray> {
  const lastEnd = reply.lastIndexOf(BLOCK_END);
  return (lastEnd < 0 ? '' : reply.slice(0, lastEnd + BLOCK_END.length)).matchAll(BASH_BLOCK);
}

/** Whether `text` (the part of a reply before its bash block) has a THOUGHT with some reasoning. */
export function hasThought(text: string): boolean {
  return THOUGHT.test(text);
}

/** `text` as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Extensions that make a word a file name (`parser.py`, `setup.cfg`). */
const FILE_EXTENSIONS = new Set('py|pyi|js|jsx|ts|tsx|mjs|cjs|go|rs|java|kt|rb|php|c|h|cc|cpp|hpp|cs|swift|scala|sh|toml|yaml|yml|json|cfg|ini|md|rst|txt|sql|html|css'.split('|'));

/** The paths and the file names a text names, each in the order the text shows them. */
export interface PathTokens {
  /** `src/x/parser.py`, `./tests/a.py`, `pkg/mod.go`: at least one slash and a name after it. */
  paths: string[];
  /** `parser.py`, `root_test.go`: a name with one of the known extensions. */
  fileNames: string[];
}

/**
 * The paths and file names a text names. `standalone` ones start only where a token starts (the rules
 * judge: a file name inside a path is the path's business); the others also find a file name inside a
 * path (the leak check: a hidden file name is a leak even under another directory).
 *
 * These are scanners, not regexes, so that their time is linear in the text whatever it holds: the
 * equivalent regexes (kept as the reference in the tests) are
 * path `(?:\.{0,2}\/)?(?:[\w.-]+\/)+[\w.-]*\w` and file name `[\w-]+\.(?:EXT)\b`, behind `\b` or, for
 * standalone ones, behind `(?<![\w/.-])`; a backtracking engine retries those from every position of a
 * long word (`AAAA...`), which takes time quadratic in its length.
 */
export function pathTokens(text: string, options: { standalone: boolean }): PathTokens {
  return options.standalone ? { paths: standalonePaths(text), fileNames: standaloneFileNames(text) } : { paths: anyPaths(text), fileNames: anyFileNames(text) };
}

const SLASH = 47;
const DOT = 46;
const DASH = 45;

/** `\w`: an ASCII letter, digit or underscore (NaN, off either end of a text, is not). */
export function isWord(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}
/** `[\w.-]`: a character of a path segment. */
function isSegment(code: number): boolean {
  return isWord(code) || code === DOT || code === DASH;
}
/** `[\w-]`: a character of a file name's stem. */
function isStem(code: number): boolean {
  return isWord(code) || code === DASH;
}

/**
 * Where a path that starts with each segment ends, segment by segment. A segment is a maximal run of
 * `[\w.-]`; a path is segments joined by single slashes, at least one slash, ending after the last word
 * character of the furthest segment that has one (what the regex's backtracking settles on).
 */
class PathSegments {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** Per segment, where a path starting in it ends, or -1. */
  readonly pathEnd: Int32Array;

  constructor(text: string) {
    for (let i = 0; i < text.length; ) {
      if (!isSegment(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < text.length && isSegment(text.charCodeAt(i))) i++;
      this.starts.push(start);
      this.ends.push(i);
    }
    const count = this.starts.length;
    this.pathEnd = new Int32Array(count).fill(-1);
    for (let s = count - 2; s >= 0; s--) {
      const end = this.ends[s]!;
      if (text.charCodeAt(end) !== SLASH || this.starts[s + 1] !== end + 1) continue;
      // The furthest segment after a slash that has a word character: found further on, or the next one.
      const further = this.pathEnd[s + 1]!;
      this.pathEnd[s] = further >= 0 ? further : afterLastWord(text, this.starts[s + 1]!, this.ends[s + 1]!);
    }
  }
}

function afterLastWord(text: string, start: number, end: number): number {
  for (let i = end - 1; i >= start; i--) if (isWord(text.charCodeAt(i))) return i + 1;
  return -1;
}

/** Every path, as `text.matchAll(/(?:\.{0,2}\/)?(?:[\w.-]+\/)+[\w.-]*\w/g)` finds them. */
function anyPaths(text: string): string[] {
  const segments = new PathSegments(text);
  const found: string[] = [];
  let s = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    if (code === SLASH) {
      // A leading slash belongs to the path of the segment right after it.
      while (s < segments.starts.length && segments.starts[s]! <= i) s++;
      const end = segments.starts[s] === i + 1 ? segments.pathEnd[s]! : -1;
      if (end >= 0) {
        found.push(text.slice(i, end));
        i = end;
      } else i++;
    } else if (isSegment(code)) {
      while (segments.ends[s]! <= i) s++;
      // Any position of a segment leads to the same path end (a leading `./` or `../` included).
      const end = segments.pathEnd[s]!;
      if (end >= 0) {
        found.push(text.slice(i, end));
        i = end;
      } else i = segments.ends[s]!;
    } else i++;
  }
  return found;
}

/** Paths that start where a token starts: `(?<![\w/.-])` before the path regex. */
function standalonePaths(text: string): string[] {
  const segments = new PathSegments(text);
  const found: string[] = [];
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== SLASH && !isSegment(code)) continue;
    // A token is a run of [\w/.-]; a path can only start at its first character.
    const start = i;
    while (i + 1 < text.length && (text.charCodeAt(i + 1) === SLASH || isSegment(text.charCodeAt(i + 1)))) i++;
    const at = code === SLASH ? start + 1 : start;
    while (s < segments.starts.length && segments.starts[s]! < at) s++;
    const end = segments.starts[s] === at ? segments.pathEnd[s]! : -1;
    if (end >= 0) found.push(text.slice(start, end));
  }
  return found;
}

/** The end of a file name whose stem ends at `stemEnd` (`.` and a known extension next), or -1. */
function fileNameEnd(text: string, stemEnd: number): number {
  if (text.charCodeAt(stemEnd) !== DOT) return -1;
  let end = stemEnd + 1;
  while (end < text.length && isWord(text.charCodeAt(end))) end++;
  return FILE_EXTENSIONS.has(text.slice(stemEnd + 1, end)) ? end : -1;
}

/** Every file name, as `text.matchAll(/\b[\w-]+\.(?:EXT)\b/g)` finds them. */
function anyFileNames(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; ) {
    if (!isStem(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let stemEnd = i;
    while (stemEnd < text.length && isStem(text.charCodeAt(stemEnd))) stemEnd++;
    const end = fileNameEnd(text, stemEnd);
    // The name starts at the first word boundary of the stem (a leading `-` after a non-word is not one).
    let start = i;
    while (start < stemEnd && isWord(text.charCodeAt(start - 1)) === isWord(text.charCodeAt(start))) start++;
    if (end >= 0 && start < stemEnd) {
      found.push(text.slice(start, end));
      i = end;
    } else i = stemEnd;
  }
  return found;
}

/** File names that start where a token starts: `(?<![\w/.-])[\w-]+\.(?:EXT)\b`. */
function standaloneFileNames(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== SLASH && !isSegment(code)) continue;
    const start = i;
    while (i + 1 < text.length && (text.charCodeAt(i + 1) === SLASH || isSegment(text.charCodeAt(i + 1)))) i++;
    if (!isStem(code)) continue;
    let stemEnd = start;
    while (stemEnd < text.length && isStem(text.charCodeAt(stemEnd))) stemEnd++;
    const end = fileNameEnd(text, stemEnd);
    if (end >= 0) found.push(text.slice(start, end));
  }
  return found;
}
