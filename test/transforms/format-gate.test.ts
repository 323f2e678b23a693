import { describe, expect, test } from 'vitest';
import { checkFormat } from '../../src/transforms/generate/format-gate.js';

const good = 'THOUGHT: The parser lives in src. Let me read it.\n\n```bash\ncat src/parser.py\n```';

describe('format gate', () => {
  test('accepts a THOUGHT followed by exactly one bash block, and returns its command', () => {
    expect(checkFormat(good)).toEqual({ ok: true, command: 'cat src/parser.py' });
  });

  test('accepts "```bash" followed by spaces before the newline, as the mini-swe-agent regex does', () => {
    expect(checkFormat('THOUGHT: x\n\n```bash   \nls\n```').ok).toBe(true);
  });

  test.each([
    ['<|tool_calls_section_begin|>', 'kimi-tool-call'],
    ['<|tool_call_begin|>functions.bash:0', 'kimi-tool-call'],
    ['<|tool_call_argument_begin|>{}', 'kimi-tool-call'],
    ['<|tool_call_end|>', 'kimi-tool-call'],
    ['<|im_end|>', 'special-token'],
    ['<think>', 'think-tag'],
    ['</think>', 'think-tag'],
  ])('rejects %s anywhere in the reply as %s', (marker, problem) => {
    expect(checkFormat(`${good}\n${marker}`)).toMatchObject({ ok: false, problem });
    expect(checkFormat(`${marker}\n${good}`)).toMatchObject({ ok: false, problem });
  });

  test('rejects a reply with no bash block', () => {
    expect(checkFormat('THOUGHT: I am done thinking.\n\n```sh\nls\n```')).toMatchObject({ ok: false, problem: 'no-bash-block' });
  });

  test('rejects a bash block whose closing fence is not on its own line', () => {
    expect(checkFormat('THOUGHT: x\n\n```bash\nls```')).toMatchObject({ ok: false, problem: 'no-bash-block' });
  });

  test('rejects two bash blocks and says how many', () => {
    const verdict = checkFormat('THOUGHT: two.\n\n```bash\nls\n```\n\n```bash\npwd\n```');
    expect(verdict).toEqual({ ok: false, problem: 'several-bash-blocks', detail: 'has 2 bash blocks, expected exactly one' });
  });

  test('rejects a reply whose THOUGHT comes only after the block, or is empty', () => {
    expect(checkFormat('```bash\nls\n```\nTHOUGHT: late')).toMatchObject({ ok: false, problem: 'no-thought' });
    expect(checkFormat('THOUGHT:\n```bash\nls\n```')).toMatchObject({ ok: false, problem: 'no-thought' });
    expect(checkFormat('Let me look.\n\n```bash\nls\n```')).toMatchObject({ ok: false, problem: 'no-thought' });
  });
});
