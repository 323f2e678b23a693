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
  return [...reply.matchAll(BASH_BLOCK)].map((match) => ({ index: match.index, block: match[0], command: match[1]! }));
}

/** The first bash block of a reply (the one the agent would run), or undefined. */
export function firstBashBlock(reply: string): BashBlock | undefined {
  for (const match of reply.matchAll(BASH_BLOCK)) return { index: match.index, block: match[0], command: match[1]! };
  return undefined;
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
const FILE_EXTENSIONS = 'py|pyi|js|jsx|ts|tsx|mjs|cjs|go|rs|java|kt|rb|php|c|h|cc|cpp|hpp|cs|swift|scala|sh|toml|yaml|yml|json|cfg|ini|md|rst|txt|sql|html|css';

/** `src/x/parser.py`, `./tests/a.py`, `pkg/mod.go`: at least one slash and a name after it. */
const PATH_BODY = String.raw`(?:\.{0,2}\/)?(?:[\w.-]+\/)+[\w.-]*\w`;
/** `parser.py`, `root_test.go`: a file name with a short extension. */
const FILE_NAME_BODY = String.raw`[\w-]+\.(?:${FILE_EXTENSIONS})\b`;
/** Not inside a longer word or path. */
const STANDALONE = String.raw`(?<![\w/.-])`;

/**
 * Global regexes for the paths and file names a text names. `standalone` ones start only where a token
 * starts (the rules judge: a file name inside a path is the path's business); the others also find a
 * file name inside a path (the leak check: a hidden file name is a leak even under another directory).
 */
export function pathPatterns(options: { standalone: boolean }): { path: RegExp; fileName: RegExp } {
  return options.standalone
    ? { path: new RegExp(STANDALONE + PATH_BODY, 'g'), fileName: new RegExp(STANDALONE + FILE_NAME_BODY, 'g') }
    : { path: new RegExp(PATH_BODY, 'g'), fileName: new RegExp(String.raw`\b` + FILE_NAME_BODY, 'g') };
}
