import type { ScoredRecord } from '../../src/contract/scored.js';
import { turnRecord } from './records.js';
import { judgementOf, scoredRecord, stageMeta, verdict, verdictsOf } from './scored.js';

/** A reply holding markup that must show as text wherever a reply is shown. */
export const HOSTILE_REPLY = 'THOUGHT: </textarea><script>document.title = "pwned"</script> <img src=x onerror=alert(1)>\n\n```bash\ngrep -rn "</pre><b>x</b>" src\n```\n';

/**
 * Thirty varied scored records: every bucket, flips, split panels, leak suspects, action styles, a
 * parse-fail, and one (index 5, a defeat) whose challenger holds `<script>` and `</textarea>`.
 */
export function viewRecords(): ScoredRecord[] {
  const sides = ['challenger', 'king', 'tie'] as const;
  const commands = ["sed -n '1,40p' src/parser.py", 'grep -rn tokenize_line src', "sed -i 's/tokens\\[:-1\\]/tokens/' src/parser.py", 'python -m pytest -q tests'];
  return Array.from({ length: 30 }, (_, index) => {
    const record = scoredRecord({
      index,
      verdicts:
        index === 5
          ? verdictsOf([['judge-a', 'king', 'king'], ['judge-b', 'king', 'tie']])
          : index === 7
            ? verdictsOf([['judge-a', undefined, undefined]])
            : verdictsOf([
                ['judge-a', sides[index % 3]!, 'challenger'],
                ['judge-b', sides[(index + 1) % 3]!, sides[index % 2]!],
              ]),
      challenger: index === 5 ? HOSTILE_REPLY : `THOUGHT: step ${index}: read the tokenizer.\n\n\`\`\`bash\n${commands[index % commands.length]}\n\`\`\`\n`,
    });
    return index % 4 === 1 ? { ...record, leak: { suspect: true, tokens: ['tokenize_line'] } } : { ...record, leak: { suspect: false, tokens: [] } };
  });
}

/** One realistic turn for the screenshot: a real-looking task, history, a king and a challenger that differ, three judges, a leak suspect. */
export function showcaseRecord(): ScoredRecord {
  const system =
    'You are a helpful assistant that interacts with a computer to solve software-engineering tasks.\n\nEvery response must contain EXACTLY ONE bash code block (triple backticks) with EXACTLY ONE command.\nBefore the bash block, include a THOUGHT section explaining your reasoning.\n\nTO FINISH: the first line of your command output must be COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT.';
  const task =
    'Please solve this issue in the repository acme/csvkit.\n\n## Issue\n\n**`read_rows` drops the last row when the file does not end with a newline**\n\n```python\n>>> list(read_rows(io.StringIO("a,b\\n1,2")))\n[["a", "b"]]\n```\n\nExpected `[["a", "b"], ["1", "2"]]`. Files written by some spreadsheet exports have no trailing newline.';
  const turn = turnRecord({
    id: 'data/train-00042-of-00128.parquet:1873:t8',
    instance_id: 'acme__csvkit-1294',
    repo: 'acme/csvkit',
    turn: 8,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: task },
      { role: 'assistant', content: 'THOUGHT: Start by finding where rows are read.\n\n```bash\ngrep -rn "def read_rows" src\n```' },
      { role: 'user', content: 'Observation: src/acme_csv/reader.py:41:def read_rows(stream, dialect=None):' },
      { role: 'assistant', content: "THOUGHT: Read the function and what it calls.\n\n```bash\nsed -n '35,70p' src/acme_csv/reader.py\n```" },
      {
        role: 'user',
        content:
          'Observation:     35\tfrom .lines import iter_lines\n    36\t\n    41\tdef read_rows(stream, dialect=None):\n    42\t    """Yield each row of `stream` as a list of strings."""\n    43\t    parser = RowParser(dialect or Dialect())\n    44\t    for line in iter_lines(stream):\n    45\t        yield parser.parse(line)\n',
      },
      { role: 'assistant', content: 'THOUGHT: Rows come from iter_lines; look at it.\n\n```bash\ncat src/acme_csv/lines.py\n```' },
      {
        role: 'user',
        content:
          'Observation: def iter_lines(stream):\n    buffer = ""\n    for chunk in iter(lambda: stream.read(4096), ""):\n        buffer += chunk\n        *lines, buffer = buffer.split("\\n")\n        yield from lines\n',
      },
    ],
    assistant: 'THOUGHT: The trailing buffer is never yielded. Check the end of the function.\n\n```bash\nnl -ba src/acme_csv/lines.py\n```',
    pr: {
      problem_statement: '`read_rows` drops the last row when the file does not end with a newline.',
      pr_description: 'iter_lines: yield the remaining buffer at end of input (fixes #1294).',
      hints_text: '',
      interface: '',
      patch:
        'diff --git a/src/acme_csv/lines.py b/src/acme_csv/lines.py\n--- a/src/acme_csv/lines.py\n+++ b/src/acme_csv/lines.py\n@@ -4,3 +4,5 @@ def iter_lines(stream):\n         buffer += chunk\n         *lines, buffer = buffer.split("\\n")\n         yield from lines\n+    if buffer:\n+        yield buffer\n',
      test_patch: 'diff --git a/tests/test_lines.py b/tests/test_lines.py\n+def test_last_line_without_newline():\n+    assert list(iter_lines(io.StringIO("a\\nb"))) == ["a", "b"]\n',
      FAIL_TO_PASS: ['tests/test_lines.py::test_last_line_without_newline'],
      PASS_TO_PASS: ['tests/test_lines.py::test_lines'],
      base_commit: '9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4',
      pull_number: 1301,
      files: ['src/acme_csv/lines.py'],
    },
    source: { file: 'data/train-00042-of-00128.parquet', row: 1873, exit_status: 'Submitted' },
  });
  const king = 'THOUGHT: The loop may miss data at the end of the stream. Let me look for tests of iter_lines first.\n\n```bash\ngrep -rn "iter_lines" tests\n```';
  const challenger =
    "THOUGHT: iter_lines splits the buffer on newlines but never yields what is left after the last read, so a final line without a newline is lost. Yield the remaining buffer after the loop (the function ends the file).\n\n```bash\nprintf '    if buffer:\\n        yield buffer\\n' >> src/acme_csv/lines.py\n```";
  const verdicts = [
    verdict({ judge: 'deepseek-ai/DeepSeek-V3.2-TEE', order: 'king-first', winner: 'challenger', challenger: { correctness: 9, grounding: 8, progress: 9, protocol: 9, efficiency: 8 }, king: { correctness: 6, grounding: 8, progress: 4, protocol: 9, efficiency: 6 } }),
    verdict({ judge: 'deepseek-ai/DeepSeek-V3.2-TEE', order: 'challenger-first', winner: 'challenger', challenger: { correctness: 9, grounding: 9, progress: 9, protocol: 9, efficiency: 8 }, king: { correctness: 6, grounding: 7, progress: 4, protocol: 9, efficiency: 6 } }),
    verdict({ judge: 'Qwen/Qwen3-235B-A22B-Thinking-2507-TEE', order: 'king-first', winner: 'king', challenger: { correctness: 7, grounding: 5, progress: 8, protocol: 9, efficiency: 7 }, king: { correctness: 7, grounding: 9, progress: 5, protocol: 9, efficiency: 7 } }),
    verdict({ judge: 'Qwen/Qwen3-235B-A22B-Thinking-2507-TEE', order: 'challenger-first', winner: 'challenger', challenger: { correctness: 8, grounding: 7, progress: 8, protocol: 9, efficiency: 8 }, king: { correctness: 6, grounding: 8, progress: 5, protocol: 9, efficiency: 7 } }),
    verdict({ judge: 'moonshotai/Kimi-K2.6-TEE', order: 'king-first', winner: 'challenger' }),
    verdict({ judge: 'moonshotai/Kimi-K2.6-TEE', order: 'challenger-first', winner: 'challenger' }),
  ].map((v, i) => ({
    ...v,
    reason: [
      'The challenger identifies the real defect (the remaining buffer is never yielded) from the code shown and fixes it in place; the king only searches tests.',
      'Same conclusion in this order: a grounded, minimal edit against an exploratory grep.',
      'The edit is right, but nothing shown so far proves the buffer is the only cause; the king keeps exploring, which is safer.',
      'The challenger’s edit follows from the loop shown in the last observation; the king’s grep adds little.',
      'Correct, minimal fix grounded in the observed loop.',
      'Decisive progress with a sound edit; the king’s step is a detour.',
    ][i],
  }));
  const judgement = { ...judgementOf(verdicts), lower_bound: 0.583333 };
  return {
    ...turn,
    king,
    challenger,
    leak: { suspect: true, tokens: ['if buffer:'] },
    score: Math.round(judgement.preference! * 1e6) / 1e4,
    judgement,
    meta: {
      king: stageMeta('moonshotai/Kimi-K2.6-TEE', 2841, 96, 0.0021),
      challenger: stageMeta('moonshotai/Kimi-K2.6-TEE', 3904, 141, 0.0029),
      judge: { ...stageMeta('deepseek-ai/DeepSeek-V3.2-TEE', 21450, 2210, 0.0118), calls: [] },
    },
  };
}
