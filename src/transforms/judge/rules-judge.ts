import type { Dimension } from '../../contract/judgement.js';
import type { Message } from '../../contract/message.js';
import { checkFormat, type FormatProblem } from '../generate/format-gate.js';
import { escapeRegExp, firstBashBlock, pathTokens } from '../../contract/agent-protocol.js';
import type { JudgeVerdict } from './verdict-schema.js';

/**
 * td's offline rules judge (`--judges rules`, labelled `td/rules`): a deterministic reading of a turn's
 * text against the agent's own rules, with no model and no key. It scores what text can show:
 * - protocol: the format gate (a THOUGHT, exactly one bash block, no template tokens or think tags), the
 *   programs the system prompt forbids (read from its "do not"/"never"/"not installed" sentences), a
 *   `# comment` line in the command;
 * - grounding: paths and file names the turn names that the conversation never showed (targets it
 *   creates with `>`/`tee`/`mkdir`/`touch` excepted), and text that addresses a judge;
 * - efficiency: a command already run verbatim, a dump of the whole tree, a long chain, a long THOUGHT.
 * It has no view on correctness or progress: it gives both sides 5 there and lists what it judged in
 * `judged`, so the panel's dimension means leave those placeholders out.
 */
export const RULES_JUDGED: readonly Dimension[] = ['protocol', 'grounding', 'efficiency'];

/** What the rules found in one turn. */
export interface TurnAssessment {
  protocol: number;
  grounding: number;
  efficiency: number;
  /** Short notes on every deduction, for the verdict's reason. */
  notes: string[];
}

const FORMAT_PENALTY: Record<FormatProblem, number> = {
  'kimi-tool-call': 6,
  'special-token': 6,
  'think-tag': 4,
  'no-bash-block': 7,
  'several-bash-blocks': 5,
  'no-thought': 4,
};

/** Programs a mini-swe-agent system prompt commonly forbids; each counts only when the prompt forbids it. */
const PROGRAMS = ['python', 'python3', 'pytest', 'pip', 'pip3', 'ipython', 'node', 'npm', 'npx', 'yarn', 'cargo', 'go', 'make', 'gcc', 'java', 'javac', 'ruby', 'perl', 'cd', 'sudo', 'eval', 'source', 'docker'];
/** `bash -c` and `sh -c`: forbidden as such (a bare "bash" in the prompt names the code block). */
const SHELLS = ['bash', 'sh'];
const PROHIBITION = /\b(?:not|never|no|don't|forbidden|disallowed|prohibited|must not)\b/i;
/**
 * Where a program name starts a command: the start of a line, or after a pipe, `&&`, `||`, `;`, `(`,
 * `$(`, a backtick. Spaces only within the line: a line start comes after every line break anyway, and
 * `\s*` across lines made the pattern retry the same run of blank lines from each line start in it
 * (quadratic time in the number of blank lines).
 */
const SPACE = String.raw`[^\S\n\r\u2028\u2029]`;
const COMMAND_START = String.raw`(?:^|[|;&(\x60])${SPACE}*(?:sudo${SPACE}+)?`;

/** The programs the agent's system prompt forbids, read from its prohibiting sentences. */
export function forbiddenPrograms(systemPrompt: string): string[] {
  // A list item starts a sentence: a line break before a bullet or a number, with spaces only within the
  // line (`\s*` here retried a run of blank lines from each break in it: quadratic time).
  const sentences = systemPrompt.split(/(?<=[.!?])\s+|\n(?=[^\S\n]*(?:[-*•]|\d+\.)\s)/);
  const forbidden = new Set<string>();
  for (const sentence of sentences) {
    if (!PROHIBITION.test(sentence)) continue;
    for (const program of PROGRAMS) if (new RegExp(`(?<![\\w./-])${program}(?![\\w-])`).test(sentence)) forbidden.add(program);
    for (const shell of SHELLS) if (new RegExp(`\\b${shell} -c\\b`).test(sentence)) forbidden.add(`${shell} -c`);
  }
  return [...forbidden].sort();
}

/** Whether `command` runs `program` (`python`, or a program with its flag: `bash -c`) as a command of its own. */
export function usesProgram(command: string, program: string): boolean {
  const [name, flag] = program.split(' ');
  const pattern = flag === undefined ? `${COMMAND_START}${escapeRegExp(name!)}(?=\\s|$|;|\\))` : `${COMMAND_START}${escapeRegExp(name!)}\\s+${escapeRegExp(flag)}\\b`;
  return new RegExp(pattern, 'm').test(command);
}

/** Paths that exist on any machine: not claims about the repository. */
const SYSTEM_PATH = /^\/(?:dev|tmp|proc|usr|bin|etc|var|sys|opt|home|root)\b/;
/** What a command creates rather than reads: the target of `>`, `>>`, `tee`, `mkdir`, `touch`. */
const CREATED = /(?:>>?|\btee(?:\s+-a)?|\bmkdir(?:\s+-p)?|\btouch)\s+['"]?([^\s'";|&)]+)/g;
/** A turn that talks to its judge instead of the agent's terminal. */
const ADDRESSES_JUDGE = /\b(?:ignore (?:all |any |the |your |previous |prior )*(?:instructions|rubric|rules)|(?:dear |attention,? )?judge\b|(?:choose|pick|prefer|select) (?:candidate |response |answer )?[AB]\b|"winner"\s*:)/i;

/**
 * A URL (its path is not a claim about the repository): `scheme://...`. The scheme starts at the first
 * letter of its word; looking for it only where a word starts keeps the time linear in a long word
 * (`[a-z][a-z0-9+.-]*:\/\/\S+` alone is retried from each of its letters).
 */
const URL = /(?<![a-z0-9+.-])([0-9+.-]*)[a-z][a-z0-9+.-]*:\/\/\S+/gi;

/** The text with each URL replaced by a space. */
export function withoutUrls(text: string): string {
  return text.replace(URL, '$1 ');
}
/** Paths a turn names that the rules check against the conversation at most (each is a scan of it). */
export const MAX_CHECKED_PATHS = 128;
/** Unseen paths the notes name at most. */
const NOTED_PATHS = 5;

/** The paths and file names a text names (standalone: a file name inside a path is checked through the path). */
function pathsIn(text: string): Set<string> {
  const found = new Set<string>();
  const plain = withoutUrls(text);
  const { paths, fileNames } = pathTokens(plain, { standalone: true });
  for (const match of paths) {
    const path = match.replace(/^\.\//, '').replace(/\/$/, '');
    if (path.length >= 3 && /[A-Za-z]/.test(path) && !SYSTEM_PATH.test(path) && !/^\.+$/.test(path)) found.add(path);
  }
  for (const name of fileNames) found.add(name);
  return found;
}

function seenIn(visible: string, path: string): boolean {
  if (visible.includes(path)) return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.length >= 3 && visible.includes(name);
}

/**
 * The paths of `candidates` the conversation never showed, in sorted order; only as many as the notes
 * name (the deduction stops at three anyway), and from the first MAX_CHECKED_PATHS candidates in sorted
 * order, so that a turn naming thousands of paths costs a bounded number of scans of the conversation.
 */
function unseenPaths(candidates: Iterable<string>, visible: string): string[] {
  const unseen: string[] = [];
  for (const path of [...candidates].sort().slice(0, MAX_CHECKED_PATHS)) {
    if (seenIn(visible, path)) continue;
    unseen.push(path);
    if (unseen.length === NOTED_PATHS) break;
  }
  return unseen;
}

/** `ls -R`, a bare `find .` or `tree` with nothing to narrow or page it. */
function dumpsTree(command: string): boolean {
  return command
    .split(/&&|\|\||;|\n/)
    .map((segment) => segment.trim())
    // `(?=\w*R)\w*` rather than `\w*R\w*`: the same flags, without trying every R of a long word.
    .some((segment) => !segment.includes('|') && (/^ls\s+-(?=\w*R)\w*(?:\s|$)/.test(segment) || /^find(?:\s+\.\/?)?$/.test(segment) || /^tree(?:\s+\.\/?)?$/.test(segment)));
}

function clamp(score: number): number {
  return Math.max(1, Math.min(10, score));
}

/** Scores one turn on protocol, grounding and efficiency from its text and the conversation before it. */
export function assessTurn(turn: string, history: readonly Message[]): TurnAssessment {
  const notes: string[] = [];
  const systemPrompt = history[0]?.role === 'system' ? history[0].content : '';
  const visible = history.map((message) => message.content).join('\n');
  // The first block even when the gate fails the turn (several blocks): the command the agent would run.
  const block = firstBashBlock(turn);
  const command = block?.command ?? '';
  const thought = block ? turn.slice(0, block.index) : turn;

  let protocol = 10;
  const format = checkFormat(turn);
  if (!format.ok) {
    protocol -= FORMAT_PENALTY[format.problem!];
    notes.push(format.detail!);
  }
  const forbidden = forbiddenPrograms(systemPrompt).filter((program) => usesProgram(command, program));
  if (forbidden.length > 0) {
    protocol -= Math.min(6, 4 * forbidden.length);
    notes.push(`runs what the instructions forbid: ${forbidden.join(', ')}`);
  }
  if (/^\s*#/.test(command)) {
    protocol -= 1;
    notes.push('a # comment line in the command');
  }

  let grounding = 10;
  const created = new Set([...command.matchAll(CREATED)].map((match) => match[1]!.replace(/^\.\//, '')));
  const unseen = unseenPaths([...pathsIn(turn)].filter((path) => !created.has(path)), visible);
  if (unseen.length > 0) {
    grounding -= Math.min(6, 2 * unseen.length);
    notes.push(`names what the conversation never showed: ${unseen.join(', ')}`);
  }
  if (ADDRESSES_JUDGE.test(turn)) {
    grounding -= 3;
    protocol -= 3;
    notes.push('addresses the judge');
  }

  let efficiency = 10;
  const squeezed = command.replace(/\s+/g, ' ').trim();
  const earlier = history.filter((message) => message.role === 'assistant').map((message) => firstBashBlock(message.content)?.command.replace(/\s+/g, ' ').trim());
  if (squeezed !== '' && earlier.includes(squeezed)) {
    efficiency -= 5;
    notes.push('repeats a command already run');
  }
  if (dumpsTree(command)) {
    efficiency -= 2;
    notes.push('lists the whole tree');
  }
  if ((command.match(/&&|\|\||;|\|/g) ?? []).length > 6) {
    efficiency -= 1;
    notes.push('a long chain of commands');
  }
  if (thought.length > 6_000) efficiency -= 4;
  else if (thought.length > 2_500) efficiency -= 2;
  if (thought.length > 2_500) notes.push(`a THOUGHT of ${thought.length} characters`);

  return { protocol: clamp(protocol), grounding: clamp(grounding), efficiency: clamp(efficiency), notes };
}

/** The rules judge's verdict on A (shown first) and B, in the shape a model's verdict has. */
export function rulesVerdict(history: readonly Message[], first: string, second: string): JudgeVerdict & { judged: Dimension[] } {
  const a = assessTurn(first, history);
  const b = assessTurn(second, history);
  const total = (t: TurnAssessment): number => t.protocol + t.grounding + t.efficiency;
  const winner = total(a) === total(b) ? 'tie' : total(a) > total(b) ? 'A' : 'B';
  const describe = (name: string, t: TurnAssessment): string =>
    `${name}: protocol ${t.protocol}, grounding ${t.grounding}, efficiency ${t.efficiency}${t.notes.length > 0 ? ` (${t.notes.join('; ')})` : ''}`;
  const scores = (t: TurnAssessment) => ({ correctness: 5, grounding: t.grounding, progress: 5, protocol: t.protocol, efficiency: t.efficiency });
  return {
    reason: `rules: ${describe('A', a)}; ${describe('B', b)}`,
    scores: { A: scores(a), B: scores(b) },
    winner,
    judged: [...RULES_JUDGED],
  };
}
