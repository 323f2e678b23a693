import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestFile, digestText } from '../../src/push/file-digest.js';
import { tempDir } from '../helpers/report.js';

describe('digestFile', () => {
  it("gives the SHA-256 and Git's blob id of a file read in 1 MiB pieces, and its longest line", async () => {
    const path = join(tempDir(), 'data.jsonl');
    const lines = ['{"a":1}', 'x'.repeat(3 << 20), '', '{"b":2}'];
    const content = Buffer.from(lines.join('\n') + '\n');
    writeFileSync(path, content);
    const digest = await digestFile(path);
    expect(digest.size).toBe(content.length);
    expect(digest.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(digest.gitSha1).toBe(execFileSync('git', ['hash-object', path], { encoding: 'utf8' }).trim());
    expect(digest.longestLine).toBe(3 << 20);
    expect(digestText(lines.join('\n') + '\n')).toEqual({ ...digest, containsNeedle: false });
  });

  it('finds the token wherever it sits, across the boundary of two pieces too', async () => {
    const needle = Buffer.from('hf_SecretTokenValue123456');
    for (const at of [0, (1 << 20) - 10, (1 << 20) - needle.length, 1 << 20, (2 << 20) - 1 - needle.length]) {
      const content = Buffer.alloc(2 << 20, 0x61);
      needle.copy(content, at);
      const path = join(tempDir(), 'data.jsonl');
      writeFileSync(path, content);
      expect((await digestFile(path, { needle })).containsNeedle, `at ${at}`).toBe(true);
    }
    const path = join(tempDir(), 'clean.jsonl');
    writeFileSync(path, Buffer.alloc(2 << 20, 0x61));
    expect((await digestFile(path, { needle })).containsNeedle).toBe(false);
  });
});
