import type { TurnRecord } from '../../src/contract/turn.js';

/** A small valid turn record in the shape `td sample` writes; override any field. */
export function turnRecord(overrides: Partial<TurnRecord> & Record<string, unknown> = {}): TurnRecord {
  return {
    id: 'train-00000-of-00001.parquet:0:t4',
    instance_id: 'acme__widgets-17',
    repo: 'acme/widgets',
    turn: 4,
    messages: [
      { role: 'system', content: 'You are a helpful assistant. Reply with THOUGHT and exactly one ```bash``` block.' },
      { role: 'user', content: 'Please solve this issue in the repository acme/widgets.\n\n## Issue\nThe parser drops the last token.' },
      { role: 'assistant', content: 'THOUGHT: Look around first.\n\n```bash\nls -la\n```\n' },
      { role: 'user', content: 'Observation: README.md\nsrc\ntests\n' },
    ],
    assistant: 'THOUGHT: Read the parser.\n\n```bash\ncat src/parser.py\n```\n',
    pr: {
      problem_statement: 'The parser drops the last token.',
      pr_description: 'Fix off-by-one in tokenize_line',
      hints_text: '',
      interface: '',
      patch: 'diff --git a/src/parser.py b/src/parser.py\n--- a/src/parser.py\n+++ b/src/parser.py\n@@ -1 +1 @@\n-    return tokens[:-1]\n+    return tokens\n',
      test_patch: 'diff --git a/tests/test_parser.py b/tests/test_parser.py\n+def test_last_token_kept():\n+    assert tokenize_line("a b") == ["a", "b"]\n',
      FAIL_TO_PASS: ['tests/test_parser.py::test_last_token_kept'],
      PASS_TO_PASS: [],
      base_commit: '0123456789abcdef0123456789abcdef01234567',
      files: ['src/parser.py'],
    },
    source: { file: 'data/train-00000-of-00001.parquet', row: 0, exit_status: 'Submitted' },
    ...overrides,
  };
}

/** `n` turn records `r0`..`r<n-1>` whose last observations differ, so each is its own request (and cache entry). */
export function distinctTurnRecords(n: number): TurnRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const base = turnRecord({ id: `r${i}` });
    return { ...base, messages: [...base.messages.slice(0, -1), { role: 'user' as const, content: `Observation: item ${i}\n` }] };
  });
}

/** Records as JSONL text. */
export function jsonl(records: readonly unknown[]): string {
  return records.map((record) => JSON.stringify(record) + '\n').join('');
}
