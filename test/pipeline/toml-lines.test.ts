import { describe, expect, it } from 'vitest';
import { TomlLines } from '../../src/pipeline/toml-lines.js';

describe('TomlLines', () => {
  const text = [
    '# a comment',
    'top = 1', // 2
    '',
    '[judge]', // 4
    'models = ["a", "b"]', // 5
    '  max_tokens = 10   # trailing', // 6
    'note = """', // 7
    'fake = 3', // 8: inside a multi-line string
    '"""',
    'fake = 4', // 10
    '[ "judge" . panel ]', // 11
    'x = 1', // 12
    "[report]", // 13
    "'quoted key' = 2", // 14
    'a.b = 3', // 15
  ].join('\n');
  const lines = new TomlLines(text);

  it('finds table headers and the keys under them', () => {
    expect(lines.key('', 'top')).toBe(2);
    expect(lines.header('judge')).toBe(4);
    expect(lines.key('judge', 'models')).toBe(5);
    expect(lines.key('judge', 'max_tokens')).toBe(6);
    expect(lines.header('report')).toBe(13);
    expect(lines.key('report', 'quoted key')).toBe(14);
    expect(lines.key('report', 'a')).toBe(15);
  });

  it('skips lines inside multi-line strings', () => {
    expect(lines.key('judge', 'fake')).toBe(10);
  });

  it('counts a subtable header as a key of its parent, quotes and spaces aside', () => {
    expect(lines.key('judge', 'panel')).toBe(11);
    expect(lines.key('judge.panel', 'x')).toBe(12);
  });

  it('knows nothing of keys that are not there', () => {
    expect(lines.key('judge', 'nope')).toBeUndefined();
    expect(lines.header('nope')).toBeUndefined();
  });

  it('counts CRLF lines like LF lines', () => {
    expect(new TomlLines('[a]\r\nx = 1\r\ny = 2\r\n').key('a', 'y')).toBe(3);
  });
});
