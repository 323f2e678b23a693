import { Sfc32 } from '../src/core/seeded-random.js';

/**
 * The content of the committed fixtures: a few PRs with ~6 rollouts each, in the real column layout and
 * with the quirks of the real data (see docs/sample.md). Everything is derived from a fixed seed, so the
 * generator writes the same rows every time.
 */

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TrajectoryFixtureRow extends Record<string, unknown> {
  instance_id: string;
  repo: string;
  messages: Message[];
  trajectory_format: string;
  exit_status: 'Submitted' | 'incomplete';
  duration_sec: number;
}

export interface PrFixtureRow extends Record<string, unknown> {
  instance_id: string;
  repo: string;
  pull_number: number;
  base_commit: string;
  /** ISO 8601, UTC. */
  created_at: string;
  license: string;
  problem_statement: string;
  pr_description: string | null;
  hints_text: string;
  interface: string;
  patch: string;
  test_patch: string;
  FAIL_TO_PASS: string[];
  PASS_TO_PASS: string[];
  meta: { difficulty: string; num_modified_files: number };
  install_config: { test_cmd: string[] };
}

export const FORMAT_ERROR =
  'Please always provide EXACTLY ONE action in triple backticks, found 2 actions.\n\nPlease format your response exactly as follows:\n\nTHOUGHT: ...\n\n```bash\n<command>\n```';
export const SUBMIT_COMMAND = 'echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT';

const SYSTEM_PROMPT = [
  'You are a helpful assistant that interacts with a computer to solve software-engineering tasks.',
  '',
  'Every response must contain EXACTLY ONE bash code block (triple backticks) with EXACTLY ONE command.',
  'Before the bash block, include a THOUGHT section explaining your reasoning — never a `# comment` line.',
  '',
  'TO FINISH: the first line of your command output must be COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT.',
].join('\n');

interface PrSpec {
  instance_id: string;
  repo: string;
  files: string[];
  problem: string;
  rollouts: number;
}

/** The PRs of the fixture set. `ghost__missing-7` has trajectories but no PR row (reason no-pr). */
export const PR_SPECS: readonly PrSpec[] = [
  { instance_id: 'acme__widgets-101', repo: 'acme/widgets', files: ['src/widgets/parser.py'], problem: 'The parser drops the last token of every line.', rollouts: 7 },
  { instance_id: 'acme__widgets-102', repo: 'acme/widgets', files: ['src/widgets/render.py', 'docs/user guide.md'], problem: 'Rendering a widget with an emoji label 🎛️ crashes.', rollouts: 6 },
  { instance_id: 'rsteube__carapace-849', repo: 'rsteube/carapace', files: ['example/cmd/injection.go', 'example/cmd/root.go'], problem: 'Remove the obsolete test “injection” command and its group registration.', rollouts: 6 },
  { instance_id: 'unidata__netcdf-c-1925', repo: 'Unidata/netcdf-c', files: ['libsrc4/nc4var.c', 'nc_test4/tst_filter.sh'], problem: 'nc_inq_var_filter_ids returns filters in a different order after reopening a file.', rollouts: 6 },
  { instance_id: 'tokyo__kana-33', repo: 'tokyo/kana', files: ['kana/convert.py'], problem: '全角カタカナの変換で濁点が失われる (dakuten is lost when converting full-width katakana).', rollouts: 6 },
  { instance_id: 'ghost__missing-7', repo: 'ghost/missing', files: ['main.c'], problem: 'A PR that the PR table does not have.', rollouts: 4 },
  { instance_id: 'big__patch-5', repo: 'big/patch', files: ['generated/table.py'], problem: 'Regenerate the lookup table.', rollouts: 5 },
  { instance_id: 'crlf__windows-12', repo: 'crlf/windows', files: ['src/lines.ts'], problem: 'Line endings:\r\nthe reader keeps a stray \\r at the end of each line.\r\n', rollouts: 6 },
  { instance_id: 'dup__same-time-3', repo: 'dup/same-time', files: ['lib/a.rb'], problem: 'Two PR rows with the same created_at.', rollouts: 5 },
  { instance_id: 'acme__gadgets-9', repo: 'acme/gadgets', files: ['gadgets/io.go'], problem: 'Reading an empty file returns EOF instead of an empty slice.', rollouts: 7 },
];

const COMMANDS = ['ls -la', 'find . -name "*.py" | head -20', 'grep -rn "def parse" src', 'cat README.md', 'git status', 'sed -n 1,40p {file}', 'cat {file}', 'grep -n "TODO" {file}'];
const THOUGHTS = [
  'I need to look at the repository layout first.',
  'Let me read the file that the issue mentions.',
  'The bug is probably in the loop bounds; let me check.',
  'Now I will edit the function so that it keeps the last element.',
  'Let me verify the edit by reading the file again.',
  'Ünïcödé check: the label “🎛️” must survive — let me grep for it.',
];

function pick<T>(random: Sfc32, items: readonly T[]): T {
  return items[random.below(items.length)]!;
}

function command(random: Sfc32, spec: PrSpec): string {
  return pick(random, COMMANDS).replace('{file}', pick(random, spec.files));
}

function observation(random: Sfc32, spec: PrSpec, cmd: string): string {
  const lines = Array.from({ length: 1 + random.below(6) }, (_, i) => `${pick(random, spec.files)}:${10 + i}: ${pick(random, ['return tokens[:-1]', 'pass', '# TODO', 'def parse(line):', 'label = "🎛️"'])}`);
  let body = lines.join('\n');
  if (random.below(5) === 0) {
    // Long outputs are cut by the agent harness; the marker is part of the data.
    body = `${lines[0]}\n\n... (output truncated, ${1000 + random.below(4000)} chars elided) ...\n\n${lines.at(-1)}`;
  }
  if (spec.instance_id.startsWith('crlf__')) body = body.split('\n').join('\r\n');
  return `Observation: ${cmd.startsWith('ls') ? 'README.md\nsrc\ntests' : body}\n`;
}

function assistantTurn(random: Sfc32, spec: PrSpec): { content: string; twoBlocks: boolean } {
  const cmd = command(random, spec);
  const style = random.below(6);
  if (style === 0) return { content: `\`\`\`bash\n${cmd}\n\`\`\`\n`, twoBlocks: false }; // no THOUGHT at all
  if (style === 1) return { content: `${pick(random, THOUGHTS)}\n\n\`\`\`bash\n${cmd}\n\`\`\`\n`, twoBlocks: false }; // prose without the THOUGHT: prefix
  if (style === 2) {
    const second = command(random, spec);
    return { content: `THOUGHT: ${pick(random, THOUGHTS)}\n\n\`\`\`bash\n${cmd}\n\`\`\`\n\nThen:\n\n\`\`\`bash\n${second}\n\`\`\`\n`, twoBlocks: true };
  }
  return { content: `THOUGHT: ${pick(random, THOUGHTS)}\n\n\`\`\`bash\n${cmd}\n\`\`\`\n`, twoBlocks: false };
}

function task(spec: PrSpec): string {
  return `Please solve this issue in the repository ${spec.repo}.\n\n## Issue\n\n${spec.problem}\n\nMake the smallest change that fixes it.`;
}

function rollout(random: Sfc32, spec: PrSpec, index: number): TrajectoryFixtureRow {
  const messages: Message[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: task(spec) },
  ];
  // One rollout of the fixture set never produced a usable assistant turn (reason no-turn).
  if (spec.instance_id === 'acme__gadgets-9' && index === 3) {
    messages.push({ role: 'user', content: FORMAT_ERROR });
    messages.push({ role: 'user', content: FORMAT_ERROR });
    return { instance_id: spec.instance_id, repo: spec.repo, messages, trajectory_format: 'mini-swe-agent-1', exit_status: 'incomplete', duration_sec: 3.25 };
  }
  const steps = 1 + random.below(7);
  for (let step = 0; step < steps; step++) {
    const turn = assistantTurn(random, spec);
    messages.push({ role: 'assistant', content: turn.content });
    messages.push({ role: 'user', content: turn.twoBlocks ? FORMAT_ERROR : observation(random, spec, command(random, spec)) });
  }
  const submitted = random.below(3) === 0;
  if (submitted) {
    messages.push({ role: 'assistant', content: `THOUGHT: The fix is in place and verified by reading the file.\n\n\`\`\`bash\n${SUBMIT_COMMAND}\n\`\`\`\n` });
  }
  return {
    instance_id: spec.instance_id,
    repo: spec.repo,
    messages,
    trajectory_format: 'mini-swe-agent-1',
    exit_status: submitted ? 'Submitted' : 'incomplete',
    duration_sec: Math.round((5 + random.below(60_000) / 1000) * 1000) / 1000,
  };
}

/** All fixture trajectories in dataset order (rollouts of one PR next to each other). */
export function fixtureTrajectories(): TrajectoryFixtureRow[] {
  const random = new Sfc32('td-fixtures:trajectories');
  return PR_SPECS.flatMap((spec) => Array.from({ length: spec.rollouts }, (_, index) => rollout(random, spec, index)));
}

function diffFor(path: string, index: number): string {
  return [`diff --git a/${path} b/${path}`, `index 1a2b3c${index}..4d5e6f${index} 100644`, `--- a/${path}`, `+++ b/${path}`, '@@ -1,3 +1,3 @@', ' context', '-    return tokens[:-1]', '+    return tokens', ''].join('\n');
}

function prRow(spec: PrSpec, createdAt: string, variant = ''): PrFixtureRow {
  let patch = spec.files.map(diffFor).join('');
  if (spec.instance_id === 'big__patch-5') {
    const table = Array.from({ length: 400 }, (_, i) => `+TABLE[${i}] = ${(i * 2654435761) % 4294967296}`).join('\n');
    patch = `diff --git a/generated/table.py b/generated/table.py\nindex 0000000..1111111 100644\n--- a/generated/table.py\n+++ b/generated/table.py\n@@ -0,0 +1,400 @@\n${table}\n`;
  }
  if (spec.instance_id === 'rsteube__carapace-849') {
    // A rename: the file list keeps the new path.
    patch += 'diff --git a/example/cmd/old_name.go b/example/cmd/new_name.go\nsimilarity index 100%\nrename from example/cmd/old_name.go\nrename to example/cmd/new_name.go\n';
  }
  const number = Number(/-(\d+)$/.exec(spec.instance_id)![1]);
  return {
    instance_id: spec.instance_id,
    repo: spec.repo,
    pull_number: number,
    base_commit: `${(number * 7919).toString(16).padStart(8, '0')}${'0123456789abcdef'.repeat(2)}`.slice(0, 40),
    created_at: createdAt,
    license: 'MIT',
    problem_statement: `${variant}${spec.problem}`,
    pr_description: spec.instance_id === 'tokyo__kana-33' ? null : `Fixes ${spec.instance_id}`,
    hints_text: '',
    interface: spec.instance_id === 'rsteube__carapace-849' ? 'Function: ActionValuesDescribed(pairs ...string)' : '',
    patch,
    test_patch: `diff --git a/tests/test_${number}.py b/tests/test_${number}.py\n+def test_fix_${number}():\n+    assert True\n`,
    FAIL_TO_PASS: [`tests/test_${number}.py::test_fix_${number}`],
    PASS_TO_PASS: number % 2 === 0 ? [] : [`tests/test_${number}.py::test_other`, 'tests/test_smoke.py::test_import'],
    meta: { difficulty: 'easy', num_modified_files: spec.files.length },
    install_config: { test_cmd: ['pytest -q'] },
  };
}

/**
 * The PR table, split in two files. Repeated ids: `acme__widgets-101` has an older row in file 0 and
 * the newest in file 1 (the newest wins); `dup__same-time-3` has two rows with the same created_at
 * (the first in file order wins). `ghost__missing-7` has none.
 */
export function fixturePrs(): [PrFixtureRow[], PrFixtureRow[]] {
  const specs = PR_SPECS.filter((spec) => spec.instance_id !== 'ghost__missing-7');
  const at = (day: number): string => new Date(Date.UTC(2023, 0, 1 + day, 12, 30, 0)).toISOString();
  const all = specs.map((spec, i) => prRow(spec, at(10 * i), spec.instance_id === 'acme__widgets-101' ? 'OLD ROW (superseded): ' : ''));
  const first = all.slice(0, 5);
  const second = all.slice(5);
  second.unshift(prRow(specs[0]!, at(500)));
  const same = all.find((row) => row.instance_id === 'dup__same-time-3')!;
  second.push({ ...same, problem_statement: `SECOND ROW, same created_at: ${same.problem_statement}` });
  return [first, second];
}

/** The PR table in the other shape: FAIL_TO_PASS/PASS_TO_PASS as JSON text, created_at as epoch milliseconds. */
export function asJsonTextPr(row: PrFixtureRow): Record<string, unknown> {
  return { ...row, created_at: Date.parse(row.created_at), FAIL_TO_PASS: JSON.stringify(row.FAIL_TO_PASS), PASS_TO_PASS: JSON.stringify(row.PASS_TO_PASS) };
}
