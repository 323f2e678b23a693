/**
 * The kind of step a reply takes, read from its one bash command: what the per-turn table shows so a
 * reader sees at a glance whether the challenger wins on reading, searching, editing, testing or submitting.
 */

import { firstBashBlock } from '../../contract/agent-protocol.js';

export const ACTION_STYLES = ['read', 'search', 'edit', 'test', 'submit', 'other'] as const;
export type ActionStyle = (typeof ACTION_STYLES)[number];

/** When a chain mixes steps (`grep ... && sed -i ...`), the one that changes most wins. */
const PRECEDENCE: readonly ActionStyle[] = ['submit', 'edit', 'test', 'search', 'read', 'other'];

const SUBMIT_MARKER = 'COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT';
const READ = new Set(['cat', 'head', 'tail', 'less', 'more', 'nl', 'wc', 'file', 'stat', 'awk', 'cut', 'sort', 'uniq', 'diff', 'tr', 'column', 'xxd', 'od', 'strings', 'jq']);
const SEARCH = new Set(['grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'find', 'fd', 'locate', 'ls', 'tree', 'which', 'whereis', 'type']);
const EDIT = new Set(['patch', 'mv', 'cp', 'rm', 'mkdir', 'touch', 'ln', 'chmod', 'tee', 'truncate', 'rmdir']);
const TEST = new Set(['pytest', 'tox', 'nox', 'jest', 'vitest', 'mocha', 'phpunit', 'rspec', 'ctest', 'unittest']);
/** Interpreters and build tools: running code is a test of it, except for the package managers' own chores. */
const RUNNERS = new Set(['python', 'python3', 'python2', 'node', 'ruby', 'perl', 'php', 'java', 'bash', 'sh', 'go', 'cargo', 'npm', 'npx', 'yarn', 'pnpm', 'make', 'mvn', 'gradle', 'dotnet', 'deno', 'bun', 'julia', 'Rscript', 'gcc', 'g++', 'clang']);
/** Words that only prefix the real command. */
const PREFIXES = new Set(['sudo', 'env', 'time', 'nohup', 'command', 'exec', 'xargs', 'timeout', 'nice', 'stdbuf']);

/**
 * The command a reply runs: its first ```bash block as the format gate reads it (so the report classifies
 * the command that was checked); for a reply without one (a dataset turn, say), its first fenced block
 * (```sh, ```shell, ```console or a bare fence), or undefined.
 */
export function bashCommand(reply: string): string | undefined {
  const block = firstBashBlock(reply);
  if (block) return block.command;
  // `[ \t]*(?:LANG[ \t]*)?`, not `[ \t]*LANG?[ \t]*`: two adjacent `[ \t]*` split a run of spaces every possible way.
  return /```[ \t]*(?:(?:bash|sh|shell|console)[ \t]*)?\r?\n([\s\S]*?)```/.exec(reply)?.[1];
}

/** Classifies a reply by its bash command: read, search, edit, test, submit, or other. */
export function actionStyle(reply: string): ActionStyle {
  const command = bashCommand(reply);
  if (command === undefined) return 'other';
  if (command.includes(SUBMIT_MARKER)) return 'submit';
  const { script, heredocWrites } = withoutHeredocBodies(command);
  let best: ActionStyle = heredocWrites ? 'edit' : 'other';
  for (const simple of splitCommands(stripQuoted(script))) {
    const style = classifySimple(simple);
    if (PRECEDENCE.indexOf(style) < PRECEDENCE.indexOf(best)) best = style;
  }
  return best;
}

/** Drops heredoc bodies (their text is data, not commands); notes whether one is written to a file. */
function withoutHeredocBodies(command: string): { script: string; heredocWrites: boolean } {
  const lines = command.split('\n');
  const kept: string[] = [];
  let heredocWrites = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    kept.push(line);
    const heredoc = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(line);
    if (!heredoc) continue;
    if (/(^|[^0-9&>])>>?\s*[^\s&|;>]/.test(line.replace(heredoc[0], '')) || /\btee\b/.test(line)) heredocWrites = true;
    const terminator = heredoc[2]!;
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== terminator) i++;
    i++;
  }
  return { script: kept.join('\n'), heredocWrites };
}

/**
 * Blanks out quoted strings so a `>` or `;` inside a grep pattern is not read as shell syntax: what
 * `script.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, "''")` does, in linear time (the regex retries an
 * unclosed double-quoted string from each escaped quote in it: quadratic on `"\"\"\"...`).
 */
export function stripQuoted(script: string): string {
  let out = '';
  let copied = 0;
  // A double-quoted string that starts at or before this index cannot close: it is inside one that did not.
  let unclosedUntil = -1;
  for (let i = 0; i < script.length; i++) {
    let end = -1;
    if (script[i] === "'") end = script.indexOf("'", i + 1);
    else if (script[i] === '"' && i > unclosedUntil) {
      end = closingDoubleQuote(script, i);
      if (end < 0) unclosedUntil = -end - 1;
    }
    if (end < 0) continue;
    out += `${script.slice(copied, i)}''`;
    copied = end + 1;
    i = end;
  }
  return out + script.slice(copied);
}

/**
 * The index of the `"` that closes the string opening at `start` (a backslash escapes any character but
 * a line break), or `-(f + 1)` where `f` is where it fails: the end, or a backslash before a line break.
 * Every `"` inside a failed string was escaped in it, so a string from there fails at `f` too.
 */
function closingDoubleQuote(script: string, start: number): number {
  for (let j = start + 1; j < script.length; j++) {
    const c = script[j];
    if (c === '"') return j;
    if (c !== '\\') continue;
    if (j + 1 >= script.length || '\n\r\u2028\u2029'.includes(script[j + 1]!)) return -(j + 1);
    j++;
  }
  return -(script.length + 1);
}

function splitCommands(script: string): string[] {
  return script
    .split(/&&|\|\||[;|\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function classifySimple(simple: string): ActionStyle {
  const all = simple.split(/\s+/).filter((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
  // Skipped by index: shifting the array once per prefix word is quadratic in a run of them.
  let first = 0;
  while (first < all.length - 1 && (PREFIXES.has(all[first]!) || /^-|^\d+[smh]?$/.test(all[first]!))) first++;
  const words = all.slice(first);
  const name = (words[0] ?? '').replace(/^.*\//, '');
  const rest = words.slice(1);
  if (writesFile(simple)) return 'edit';
  if (name === 'sed') return rest.some((word) => /^-[a-zA-Z]*i/.test(word)) ? 'edit' : 'read';
  if (name === 'perl' && rest.some((word) => /^-[a-zA-Z]*i/.test(word))) return 'edit';
  if (name === 'git') return gitStyle(rest[0]);
  if (EDIT.has(name)) return 'edit';
  if (TEST.has(name) || name.startsWith('test_') || /^\.?\/?(run_?tests?|runtests)(\.\w+)?$/.test(words[0] ?? '')) return 'test';
  if (RUNNERS.has(name)) return runnerStyle(name, rest);
  if (SEARCH.has(name)) return 'search';
  if (READ.has(name)) return 'read';
  return 'other';
}

/** An output redirection to a real file (not `2>&1`, not `/dev/null`). */
function writesFile(simple: string): boolean {
  const redirect = /(^|[^0-9&>])>>?\s*([^\s&|;>]+)/.exec(simple);
  return redirect !== null && redirect[2] !== '/dev/null' && !redirect[2]!.startsWith('&');
}

function gitStyle(subcommand: string | undefined): ActionStyle {
  switch (subcommand) {
    case 'grep':
    case 'ls-files':
    case 'log':
      return 'search';
    case 'show':
    case 'diff':
    case 'status':
    case 'blame':
      return 'read';
    case 'apply':
    case 'checkout':
    case 'restore':
    case 'mv':
    case 'rm':
    case 'stash':
    case 'am':
      return 'edit';
    default:
      return 'other';
  }
}

function runnerStyle(name: string, rest: readonly string[]): ActionStyle {
  if (['npm', 'yarn', 'pnpm', 'cargo', 'go', 'make', 'mvn', 'gradle', 'dotnet', 'deno', 'bun'].includes(name)) {
    return rest.some((word) => /^(test|tests|check|spec|verify)$/.test(word) || /^test[:-]/.test(word)) ? 'test' : 'other';
  }
  if (rest[0] === '-m' && /^(pytest|unittest|nose2?|doctest)$/.test(rest[1] ?? '')) return 'test';
  // Running a script or a one-liner exercises the code under repair: a test in spirit.
  return 'test';
}
