import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/bootstrap.js';
import { sideText, tokenize, wordDiff, type DiffPart } from '../../src/view/web/word-diff.js';

/** Tokens inserted + deleted by a shortest edit script, by dynamic programming (the reference). */
function minimalEdits(a: string, b: string): number {
  const x = tokenize(a);
  const y = tokenize(b);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) lcs[i]![j] = x[i - 1] === y[j - 1] ? lcs[i - 1]![j - 1]! + 1 : Math.max(lcs[i - 1]![j]!, lcs[i]![j - 1]!);
  }
  return x.length + y.length - 2 * lcs[x.length]![y.length]!;
}

const edits = (parts: readonly DiffPart[]): number => parts.filter((p) => p.op !== 'equal').reduce((sum, p) => sum + tokenize(p.text).length, 0);

describe('word diff', () => {
  it('marks the words that differ', () => {
    expect(wordDiff("sed -n '1,40p' src/parser.py", "sed -n '1,80p' src/parser.py")).toEqual([
      { op: 'equal', text: "sed -n '1," },
      { op: 'delete', text: '40p' },
      { op: 'insert', text: '80p' },
      { op: 'equal', text: "' src/parser.py" },
    ]);
    expect(wordDiff('same text', 'same text')).toEqual([{ op: 'equal', text: 'same text' }]);
    expect(wordDiff('', 'new')).toEqual([{ op: 'insert', text: 'new' }]);
  });

  it('gives back both texts and a shortest edit script (random pairs, against dynamic programming)', () => {
    const random = seededRandom(7);
    const words = ['a', 'b', 'c', 'grep', 'src/x.py', ' ', '\n', '-n', 'λ', '数据', '"q"'];
    const text = (): string => Array.from({ length: Math.floor(random() * 14) }, () => words[Math.floor(random() * words.length)]).join(random() < 0.5 ? ' ' : '');
    for (let round = 0; round < 400; round++) {
      const a = text();
      const b = random() < 0.3 ? a.replace(/a/g, 'c') : text();
      const parts = wordDiff(a, b)!;
      expect(sideText(parts, 'delete'), `${a} -> ${b}`).toBe(a);
      expect(sideText(parts, 'insert'), `${a} -> ${b}`).toBe(b);
      expect(edits(parts), `${a} -> ${b}`).toBe(minimalEdits(a, b));
    }
  });

  it('gives up beyond the edit limit instead of spending unbounded time', () => {
    const a = Array.from({ length: 400 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 400 }, (_, i) => `b${i}`).join(' ');
    expect(wordDiff(a, b, { maxEdits: 100 })).toBeUndefined();
    expect(wordDiff(a, b, { maxEdits: 2000 })).toBeDefined();
  });
});
