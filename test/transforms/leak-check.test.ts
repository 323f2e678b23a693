import { describe, expect, test } from 'vitest';
import { checkLeak, identifiersIn } from '../../src/transforms/generate/leak-check.js';
import { turnRecord } from '../helpers/records.js';

// The fixture's history shows `ls` of the root (README.md, src, tests) and the issue text; its hidden PR
// touches src/parser.py (tokenize_line) and adds tests/test_parser.py::test_last_token_kept.
const record = turnRecord();
const turn = (command: string, thought = 'Next.'): string => `THOUGHT: ${thought}\n\n\`\`\`bash\n${command}\n\`\`\``;

describe('leak check', () => {
  test('flags a path, a function and a test name that only the hidden PR shows', () => {
    const verdict = checkLeak(turn('sed -n 1,40p src/parser.py && grep -n test_last_token_kept tests/test_parser.py', 'Fix tokenize_line.'), record.messages, record.pr);
    expect(verdict).toEqual({ suspect: true, tokens: ['parser.py', 'src/parser.py', 'test_last_token_kept', 'test_parser', 'test_parser.py', 'tests/test_parser.py', 'tokenize_line'] });
  });

  test('does not flag what the history shows, nor plain words', () => {
    const verdict = checkLeak(turn('ls src tests && cat README.md', 'The parser drops the last token; look in src.'), record.messages, record.pr);
    expect(verdict).toEqual({ suspect: false, tokens: [] });
  });

  test('a path counts as seen when the history showed its file name (as ls prints it)', () => {
    const history = [...record.messages.slice(0, -1), { role: 'user' as const, content: 'Observation: parser.py\nlexer.py\n' }];
    expect(checkLeak(turn('cat src/parser.py'), history, record.pr)).toEqual({ suspect: false, tokens: [] });
  });

  test('flags a quoted literal that only the hidden patch holds', () => {
    const pr = { ...record.pr, patch: `${record.pr.patch}+    raise ValueError("empty token stream")\n` };
    expect(checkLeak(turn('grep -rn "empty token stream" .'), record.messages, pr)).toEqual({ suspect: true, tokens: ['empty token stream'] });
  });

  test('identifiers of a part of a longer visible name are still their own tokens', () => {
    const history = [...record.messages.slice(0, -1), { role: 'user' as const, content: 'Observation: def tokenize_line_v2(x):' }];
    expect(checkLeak(turn('grep -n tokenize_line src'), history, record.pr).tokens).toEqual(['tokenize_line']);
  });

  test('finds paths, file names, code words, quoted literals and long numbers; skips English', () => {
    expect([...identifiersIn('Open ./pkg/mod.go and setup.cfg; call parseHTTPHeader, __init__ with "max len" and 4096 or 0.75 then read the file.')].sort()).toEqual(
      ['0.75', '4096', '__init__', 'max len', 'parseHTTPHeader', 'pkg/mod.go', 'setup.cfg', 'mod.go'].sort(),
    );
  });
});
