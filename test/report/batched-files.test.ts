import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchedFiles } from '../../src/sinks/report/batched-files.js';
import { tempDir } from '../helpers/report.js';

describe('BatchedFiles', () => {
  it('writes every text in order across block boundaries, including texts larger than a block and multi-byte characters', async () => {
    const dir = tempDir();
    const files = new BatchedFiles({ a: join(dir, 'a.txt'), b: join(dir, 'b.txt') });
    const expected: string[] = [];
    for (let i = 0; i < 400; i++) {
      const text = `${i}:${'数据λ😀'.repeat(i * 37)}\n`;
      expected.push(text);
      files.add('a', text);
      if (i % 50 === 0) await files.flush();
    }
    const huge = `${'x'.repeat(3 << 20)}\n`;
    files.add('a', huge);
    expected.push(huge);
    files.add('b', 'only line\n');
    await files.close();
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe(expected.join(''));
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('only line\n');
  });
});
