import { describe, expect, test } from 'vitest';
import { CHALLENGE_REMINDER, HIDDEN_BUDGETS, challengeMessages, fenceFor, trim } from '../../src/transforms/generate/challenge-prompt.js';
import { kingMessages } from '../../src/transforms/generate/king-prompt.js';
import { turnRecord } from '../helpers/records.js';

describe('challenger prompt', () => {
  const record = turnRecord();

  test('keeps the conversation, adds the briefing to the system message and a reminder after the last observation', () => {
    const messages = challengeMessages(record.messages, record.pr);
    expect(messages.map((m) => m.role)).toEqual(record.messages.map((m) => m.role));
    expect(messages[0]!.content.startsWith(record.messages[0]!.content)).toBe(true);
    expect(messages[0]!.content).toContain('THE BLIND-AGENT RULE');
    expect(messages.slice(1, -1)).toEqual(record.messages.slice(1, -1).map(({ role, content }) => ({ role, content })));
    expect(messages.at(-1)!.content).toBe(`${record.messages.at(-1)!.content}\n\n${CHALLENGE_REMINDER}`);
  });

  test('shows every hidden field: description, hints, patch, test patch and failing tests', () => {
    const pr = { ...record.pr, hints_text: 'Maintainer: look at the slicing.', interface: 'Function: tokenize_line(text)' };
    const system = challengeMessages(record.messages, pr)[0]!.content;
    for (const part of [pr.pr_description!, pr.hints_text, pr.interface, pr.patch, pr.test_patch!, pr.FAIL_TO_PASS![0]!]) expect(system).toContain(part);
  });

  test('does not repeat a problem statement the task already shows, and shows one it does not', () => {
    const shown = { ...record.pr, problem_statement: 'The parser drops the last token of every line it reads, always.' };
    const history = [record.messages[0]!, { role: 'user' as const, content: `Task:\n${shown.problem_statement}` }, ...record.messages.slice(2)];
    expect(challengeMessages(history, shown)[0]!.content).toContain('(The same text the agent was given in its task above.)');
    const hidden = { ...record.pr, problem_statement: 'A statement the history never showed, long enough to matter.' };
    expect(challengeMessages(record.messages, hidden)[0]!.content).toContain(hidden.problem_statement);
  });

  test('cuts a long patch to its budget and marks the cut', () => {
    const pr = { ...record.pr, patch: 'x'.repeat(HIDDEN_BUDGETS.patch + 10) };
    expect(challengeMessages(record.messages, pr)[0]!.content).toContain('[... 10 more characters not shown ...]');
    expect(trim('abc', 3)).toBe('abc');
  });

  test('fences a patch with more backticks than it holds, so a patched Markdown file cannot close the block', () => {
    const patch = 'diff --git a/README.md b/README.md\n+```bash\n+make\n+```\n';
    const system = challengeMessages(record.messages, { ...record.pr, patch })[0]!.content;
    expect(system).toContain(`## The fix (gold patch)\n\`\`\`\`diff\n${patch.trimEnd()}\n\`\`\`\`\n`);
    expect(fenceFor('no ticks')).toBe('```');
  });

  test('adds a system message when the history has none', () => {
    const messages = challengeMessages(record.messages.slice(1), record.pr);
    expect(messages[0]!.role).toBe('system');
    expect(messages.length).toBe(record.messages.length);
  });

  test('the king request is the history verbatim, role and content only', () => {
    const history = record.messages.map((m) => ({ ...m, extra: 'dropped' }));
    expect(kingMessages(history)).toEqual(record.messages.map(({ role, content }) => ({ role, content })));
  });
});
