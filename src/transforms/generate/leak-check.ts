import type { Message } from '../../contract/message.js';
import type { Pr } from '../../contract/pr.js';
import { pathTokens } from '../../contract/agent-protocol.js';
import { WholeTokenIndex, wholeTokenBudget } from './whole-tokens.js';

/** `leak` on a challenger record: whether the turn names what only the hidden PR shows, and what. */
export interface LeakVerdict {
  suspect: boolean;
  /** The identifiers found in the hidden PR and nowhere in the visible history, sorted; at most MAX_LEAK_TOKENS. */
  tokens: string[];
}

export const MAX_LEAK_TOKENS = 20;

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
  // Two capitals before a small letter (`HTTPHeader`): `[A-Z]{2,}[a-z]` says the same, in time quadratic in a word of capitals.
  return /[a-z][A-Z]/.test(word) || /[A-Z]{2}[a-z]/.test(word);
}

/** The identifiers a turn names: paths, file names, code words, quoted literals, notable numbers. */
export function identifiersIn(text: string): Set<string> {
  const found = new Set<string>();
  // Paths, and file names also inside a path: a hidden file name is a leak even under another directory.
  const { paths, fileNames } = pathTokens(text, { standalone: false });
  for (const match of paths) {
    const path = match.replace(/^\.\//, '');
    if (path.length >= 3 && /[A-Za-z]/.test(path)) found.add(path);
  }
  for (const name of fileNames) found.add(name);
  for (const match of text.matchAll(WORD)) if (isIdentifierLike(match[0])) found.add(match[0]);
  for (const match of text.matchAll(QUOTED)) {
    const literal = (match[1] ?? match[2])!.trim();
    if (literal.length >= 3 && /[A-Za-z0-9]/.test(literal)) found.add(literal);
  }
  for (const match of text.matchAll(NUMBER)) found.add(match[0]);
  return found;
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
  // Whole tokens (not part of a longer name), looked up in an index of each text: see WholeTokenIndex.
  const visibleText = history.map((message) => message.content).join('\n');
  const hiddenTexts = hiddenText(pr);
  const budget = wholeTokenBudget(turn, visibleText, hiddenTexts);
  const visible = new WholeTokenIndex(visibleText, budget);
  const hidden = new WholeTokenIndex(hiddenTexts, budget);
  const leaked: string[] = [];
  for (const token of identifiersIn(turn)) {
    if (!hidden.has(token) || visible.has(token)) continue;
    if (token.includes('/')) {
      const name = token.slice(token.lastIndexOf('/') + 1);
      if (name !== '' && visible.has(name)) continue;
    }
    leaked.push(token);
  }
  leaked.sort();
  return { suspect: leaked.length > 0, tokens: leaked.slice(0, MAX_LEAK_TOKENS) };
}
