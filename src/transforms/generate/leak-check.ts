import type { Message } from '../../contract/message.js';
import type { Pr } from '../../contract/pr.js';
import { escapeRegExp, pathPatterns } from '../../contract/agent-protocol.js';

/** `leak` on a challenger record: whether the turn names what only the hidden PR shows, and what. */
export interface LeakVerdict {
  suspect: boolean;
  /** The identifiers found in the hidden PR and nowhere in the visible history, sorted; at most MAX_LEAK_TOKENS. */
  tokens: string[];
}

export const MAX_LEAK_TOKENS = 20;

/** Paths, and file names also inside a path: a hidden file name is a leak even under another directory. */
const { path: PATH, fileName: FILE_NAME } = pathPatterns({ standalone: false });
/** Words of code: `tokenize_line`, `ActionValuesDescribed`, `parseHTTPHeader`, `__init__`. */
const WORD = /\b[A-Za-z_][A-Za-z0-9_]*\b/g;
/** Quoted literals in commands and code: `"Invalid token"`, `'max_len'`. */
const QUOTED = /"([^"\n\\]{3,80})"|'([^'\n\\]{3,80})'/g;
/** Numeric literals with four or more digits, or with a decimal point: `1024`, `0.75`. */
const NUMBER = /(?<![\w.])(?:\d{4,}|\d+\.\d+)(?![\w.])/g;

/** A word that reads as an identifier rather than English: has an inner underscore or a case change. */
function isIdentifierLike(word: string): boolean {
  if (word.length < 4) return false;
  if (/[a-z0-9]_[A-Za-z0-9]|^__\w+__$/.test(word)) return true;
  return /[a-z][A-Z]/.test(word) || /[A-Z]{2,}[a-z]/.test(word);
}

/** The identifiers a turn names: paths, file names, code words, quoted literals, notable numbers. */
export function identifiersIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const match of text.matchAll(PATH)) {
    const path = match[0].replace(/^\.\//, '');
    if (path.length >= 3 && /[A-Za-z]/.test(path)) found.add(path);
  }
  for (const match of text.matchAll(FILE_NAME)) found.add(match[0]);
  for (const match of text.matchAll(WORD)) if (isIdentifierLike(match[0])) found.add(match[0]);
  for (const match of text.matchAll(QUOTED)) {
    const literal = (match[1] ?? match[2])!.trim();
    if (literal.length >= 3 && /[A-Za-z0-9]/.test(literal)) found.add(literal);
  }
  for (const match of text.matchAll(NUMBER)) found.add(match[0]);
  return found;
}

/** Whether `token` occurs in `text` as a whole token (not as part of a longer name). */
function occurs(text: string, token: string): boolean {
  if (!text.includes(token)) return false;
  return new RegExp(`(?<![\\w])${escapeRegExp(token)}(?![\\w])`).test(text);
}

/** Hunk headers carry line numbers, not content: they would make every line number look hidden. */
function withoutHunkHeaders(patch: string): string {
  return patch.replace(/^@@.*@@.*$/gm, '');
}

/** All the text of the PR that the agent was not shown (some of it, e.g. the problem statement, usually was). */
export function hiddenText(pr: Pr): string {
  return [
    pr.problem_statement,
    pr.pr_description,
    pr.hints_text,
    pr.interface,
    withoutHunkHeaders(pr.patch),
    pr.test_patch ? withoutHunkHeaders(pr.test_patch) : undefined,
    ...(pr.FAIL_TO_PASS ?? []),
    ...(pr.PASS_TO_PASS ?? []),
    ...pr.files,
  ]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join('\n');
}

/**
 * The leak check: a challenger turn is suspect when it names an identifier (a path, a file, a function
 * or test name, a literal) that occurs in the hidden PR but nowhere in the history the agent saw. A path
 * counts as seen when the history shows it whole or shows its file name (an `ls` lists bare names).
 * It is a flag for review, not proof: an honest guess can coincide with the fix.
 */
export function checkLeak(turn: string, history: readonly Message[], pr: Pr): LeakVerdict {
  const visible = history.map((message) => message.content).join('\n');
  const hidden = hiddenText(pr);
  const leaked: string[] = [];
  for (const token of identifiersIn(turn)) {
    if (!occurs(hidden, token) || occurs(visible, token)) continue;
    if (token.includes('/')) {
      const name = token.slice(token.lastIndexOf('/') + 1);
      if (name !== '' && occurs(visible, name)) continue;
    }
    leaked.push(token);
  }
  leaked.sort();
  return { suspect: leaked.length > 0, tokens: leaked.slice(0, MAX_LEAK_TOKENS) };
}
