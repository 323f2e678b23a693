import type { Message } from '../../contract/message.js';
import type { Pr } from '../../contract/pr.js';

/** Bumped whenever the challenger's request changes in any way (it is part of the cache key). */
export const CHALLENGE_PROMPT_VERSION = 'challenge/1';

/** Characters of each hidden field shown at most; a longer field is cut and the cut is marked. */
export const HIDDEN_BUDGETS = {
  problem_statement: 8_000,
  pr_description: 6_000,
  hints_text: 6_000,
  interface: 4_000,
  patch: 24_000,
  test_patch: 12_000,
} as const;
/** Failing tests listed at most. */
export const MAX_TESTS_LISTED = 40;

const BRIEFING = `------------------------------------------------------------
PRIVILEGED BRIEFING (read this before you answer)

You will write the agent's next message in the conversation that follows. Unlike the agent, you have been shown how this task was really resolved: the merged pull request below (its description, the discussion hints, the code patch, the test patch and the tests that must pass). Use it the way a senior engineer uses experience: to choose a better next step. It is not an answer key to copy from.

THE BLIND-AGENT RULE
Your message must be one that an excellent engineer who sees only the conversation so far could honestly have written.
1. Ground every statement in your THOUGHT in what the conversation shows: the task text, the commands already run and their output. Reason from that evidence, in the agent's own first-person voice.
2. Name only what is visible. Do not write any file path, directory, function, class, method, variable, test name, error text, line number or literal value unless it already appears in the conversation (the task text counts). If the fix lives somewhere the agent has not seen yet, take the honest step that leads there: search for a word or symbol the task itself mentions, list a directory that has already been shown, open a file that has already been named.
3. Never mention or hint at the pull request, the patch, hidden tests, hints, an upstream fix, or knowing the answer in advance.
4. Take exactly one step: the most useful next step from where the conversation stands. Do not repeat a command whose output is already shown. Do not edit code the agent has not read yet: read it first. Once the code to change has been read, make the change the pull request shows to be right, written with what the conversation has shown. When the work is done and checked, finish as the instructions say.
5. Keep the agent's rules: its environment (for example, programs it must not run) and its format: a THOUGHT section, then exactly one \`\`\`bash block holding one command. No other code blocks, no tool-call syntax, no <think> tags, nothing after the bash block.

The hidden pull request follows. It is for your judgement only: never quote it, and never name what only it shows.`;

const CLOSING = `Remember the blind-agent rule: write a better next step, justified only by what the conversation shows.
------------------------------------------------------------`;

/** Appended to the last observation, where a long history would otherwise bury the briefing. */
export const CHALLENGE_REMINDER =
  '[Reminder, not part of the output above: write the agent\'s next message now, a THOUGHT and then exactly one ```bash block, under the blind-agent rule: nothing that only the hidden pull request shows.]';

/**
 * The challenger's request: the agent's own conversation, with the privileged briefing (the blind-agent
 * rule and the hidden pull request) added to its system message and a one-line reminder after the last
 * observation. The agent's messages are otherwise unchanged, so the model answers in the agent's voice
 * and format; one system message keeps the request valid for every chat template.
 */
export function challengeMessages(history: readonly Message[], pr: Pr): Array<{ role: Message['role']; content: string }> {
  const messages = history.map((message) => ({ role: message.role, content: message.content }));
  const visible = normalise(messages.map((m) => m.content).join('\n'));
  const briefing = `${BRIEFING}\n\n${hiddenPullRequest(pr, visible)}\n\n${CLOSING}`;
  if (messages[0]?.role === 'system') messages[0] = { role: 'system', content: `${messages[0].content}\n\n${briefing}` };
  else messages.unshift({ role: 'system', content: briefing });
  const last = messages[messages.length - 1]!;
  messages[messages.length - 1] = { ...last, content: `${last.content}\n\n${CHALLENGE_REMINDER}` };
  return messages;
}

function hiddenPullRequest(pr: Pr, visibleHistory: string): string {
  const sections: string[] = [];
  const add = (title: string, text: string | null | undefined, budget: number, fence?: string): void => {
    if (text === null || text === undefined || text.trim() === '') return;
    const body = trim(text.trimEnd(), budget);
    if (fence === undefined) return void sections.push(`## ${title}\n${body}`);
    const ticks = fenceFor(body);
    sections.push(`## ${title}\n${ticks}${fence}\n${body}\n${ticks}`);
  };
  const shownInTask = (text: string | null | undefined): boolean => {
    if (!text || text.trim() === '') return false;
    const probe = normalise(text).slice(0, 300);
    return probe.length >= 20 && visibleHistory.includes(probe);
  };

  if (shownInTask(pr.problem_statement)) sections.push('## Problem statement\n(The same text the agent was given in its task above.)');
  else add('Problem statement', pr.problem_statement, HIDDEN_BUDGETS.problem_statement);
  add('Pull request description', pr.pr_description, HIDDEN_BUDGETS.pr_description);
  add('Hints from the discussion', pr.hints_text, HIDDEN_BUDGETS.hints_text);
  if (!shownInTask(pr.interface)) add('Interface', pr.interface, HIDDEN_BUDGETS.interface);
  add('The fix (gold patch)', pr.patch, HIDDEN_BUDGETS.patch, 'diff');
  add('Test patch', pr.test_patch, HIDDEN_BUDGETS.test_patch, 'diff');
  const tests = pr.FAIL_TO_PASS ?? [];
  if (tests.length > 0) {
    const listed = tests.slice(0, MAX_TESTS_LISTED).map((test) => `- ${test}`);
    if (tests.length > MAX_TESTS_LISTED) listed.push(`- [... ${tests.length - MAX_TESTS_LISTED} more]`);
    sections.push(`## Tests that fail before the fix and pass after it\n${listed.join('\n')}`);
  }
  return `<hidden_pull_request>\n${sections.join('\n\n')}\n</hidden_pull_request>`;
}

/** A code fence longer than any run of backticks in `text` (a patch of a Markdown file holds fences of its own). */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** Keeps the head of a long text and says how much was cut. */
export function trim(text: string, budget: number): string {
  if (text.length <= budget) return text;
  return `${text.slice(0, budget)}\n[... ${text.length - budget} more characters not shown ...]`;
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
