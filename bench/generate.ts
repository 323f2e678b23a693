import { seededRandom } from '../src/core/bootstrap.js';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';

/** The seeded PRNG of td's bootstrap: benches generate the same data on every run. */
export const prng = seededRandom;

const WORDS = ['def', 'return', 'self', 'import', 'parser', 'token', 'übersetzung', 'naïve', '数据', 'λ', 'class', 'None', 'raise', 'ValueError', 'config', 'path'];
const SNIPPETS = [
  '```bash\ngrep -rn "tokenize_line" src/ | head -20\n```',
  'Observation: src/parser.py:12:    return tokens[:-1]\n\tindent\\tabs "quoted" \u2028 end',
  '```bash\nsed -n \'1,80p\' src/widgets/parser.py\n```',
  'diff --git a/src/parser.py b/src/parser.py\n@@ -1,3 +1,3 @@\n-    return tokens[:-1]\n+    return tokens',
];

function text(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) {
    out += random() < 0.15 ? SNIPPETS[Math.floor(random() * SNIPPETS.length)] + '\n' : WORDS[Math.floor(random() * WORDS.length)] + (random() < 0.1 ? '\n' : ' ');
  }
  return out;
}

/** One realistic turn record (the `td sample` shape): 20-30 messages, long strings with escapes and unicode. */
export function benchTurnRecord(random: () => number, index: number): Record<string, unknown> {
  const count = 20 + Math.floor(random() * 11);
  const messages: Array<{ role: string; content: string }> = [
    { role: 'system', content: text(random, 1500) },
    { role: 'user', content: `Please solve this issue in the repository acme/widgets.\n\n## Issue\n${text(random, 800)}` },
  ];
  while (messages.length < count) {
    messages.push({ role: 'assistant', content: `THOUGHT: ${text(random, 120)}\n\n\`\`\`bash\ncat src/mod_${index % 97}.py\n\`\`\`\n` });
    messages.push({ role: 'user', content: `Observation: ${text(random, 40 + Math.floor(random() * 600))}` });
  }
  return {
    id: `data/train-00000.parquet:${index}:t${count}`,
    instance_id: `acme__widgets-${index % 1000}`,
    repo: 'acme/widgets',
    turn: count,
    messages,
    assistant: `THOUGHT: ${text(random, 200)}\n\n\`\`\`bash\nsed -n '1,40p' src/parser.py\n\`\`\`\n`,
    pr: {
      problem_statement: text(random, 600),
      pr_description: text(random, 300),
      hints_text: '',
      interface: '',
      patch: `diff --git a/src/parser.py b/src/parser.py\n${text(random, 900)}`,
      test_patch: `diff --git a/tests/test_parser.py b/tests/test_parser.py\n${text(random, 400)}`,
      FAIL_TO_PASS: ['tests/test_parser.py::test_last_token'],
      PASS_TO_PASS: ['tests/test_parser.py::test_first_token'],
      base_commit: '0123456789abcdef0123456789abcdef01234567',
      files: ['src/parser.py'],
    },
    source: { file: 'data/train-00000.parquet', row: index, exit_status: 'Submitted' },
  };
}

/**
 * Writes JSONL of about `bytes` bytes made by `make(random, index)` to `path`, unless a file of that
 * size is already there (bench data is reused between runs).
 */
export async function writeJsonlOfSize(
  path: string,
  bytes: number,
  make: (random: () => number, index: number) => unknown = benchTurnRecord,
  seed = 1,
): Promise<number> {
  if (existsSync(path) && Math.abs(statSync(path).size - bytes) < bytes * 0.05 + 65536) return statSync(path).size;
  const random = prng(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let written = 0;
  for (let index = 0; written < bytes; index++) {
    const line = JSON.stringify(make(random, index)) + '\n';
    written += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return written;
}
