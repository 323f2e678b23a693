import { describe, expect, it } from 'vitest';
import { actionStyle, bashCommand } from '../../src/sinks/report/action-style.js';

const reply = (command: string): string => `THOUGHT: next step.\n\n\`\`\`bash\n${command}\n\`\`\`\n`;

describe('actionStyle', () => {
  it.each([
    ['cat src/parser.py', 'read'],
    ["sed -n '1,80p' src/parser.py", 'read'],
    ['nl -ba src/parser.py | head -50', 'read'],
    ['git diff', 'read'],
    ['grep -rn "tokenize_line" src/ | head -20', 'search'],
    ['find . -name "*.py" -path "*parser*"', 'search'],
    ['ls -la src', 'search'],
    ["sed -i 's/tokens\\[:-1\\]/tokens/' src/parser.py", 'edit'],
    ["cat <<'EOF' > src/parser.py\nimport grep\npytest\nEOF", 'edit'],
    ['echo "x = 1" >> src/config.py', 'edit'],
    ['grep -n foo src/a.py && sed -i "s/foo/bar/" src/a.py', 'edit'],
    ['python -m pytest tests/test_parser.py -q', 'test'],
    ['cd /repo && pytest -x tests/', 'test'],
    ['npm test -- --runInBand', 'test'],
    ['go test ./...', 'test'],
    ['python reproduce.py', 'test'],
    ['echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git diff', 'submit'],
    ['grep -rn "a > b" src 2>/dev/null', 'search'],
    ['cat src/a.py 2>&1', 'read'],
    ['pip install -e .', 'other'],
    ['git status', 'read'],
  ])('%s -> %s', (command, style) => {
    expect(actionStyle(reply(command))).toBe(style);
  });

  it('is other when the reply has no code block', () => {
    expect(actionStyle('THOUGHT: I am done thinking.')).toBe('other');
  });

  it('reads the command the format gate checked: the first ```bash block, even after another fence', () => {
    expect(bashCommand('a\n```\nls\n```\nb\n```bash\ncat x\n```')).toBe('cat x');
    expect(actionStyle('THOUGHT: look first.\n```sh\ncat a.py\n```\nthen\n```bash\nsed -i "s/a/b/" a.py\n```')).toBe('edit');
  });

  it('reads the first fenced block, with or without a language, of a reply without a ```bash block', () => {
    expect(bashCommand('a\n```\nls\n```\nb')).toBe('ls\n');
    expect(actionStyle('```sh\ngrep -r x .\n```')).toBe('search');
  });
});
