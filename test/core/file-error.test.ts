import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExcludeList } from '../../src/core/exclude-list.js';
import { fileError, writeFailure } from '../../src/core/file-error.js';
import { TdError } from '../../src/core/td-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'td-file-error-'));

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('fileError', () => {
  it('says the same errno the same way, with the exit code and code chosen by the caller', () => {
    const missing = thrown(() => readFileSync(join(tmp, 'absent')));
    const error = fileError('cannot read input', 'x.jsonl', missing, 66);
    expect(error).toBeInstanceOf(TdError);
    expect([error.message, error.exitCode, error.code]).toEqual(['cannot read input x.jsonl: no such file or directory', 66, 'no-input']);
    const directory = thrown(() => readFileSync(tmp));
    expect(fileError('cannot write', 'out', directory, 73)).toMatchObject({ message: 'cannot write out: is a directory', exitCode: 73, code: 'cannot-write' });
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    const underFile = thrown(() => readFileSync(join(file, 'child')));
    expect(fileError('cannot read', 'p', underFile, 66).message).toBe('cannot read p: a part of the path is not a directory');
  });

  it('keeps the first line of the message of an error it has no words for', () => {
    const odd = Object.assign(new Error('EIO: i/o error, read\nmore detail'), { code: 'EIO' });
    expect(fileError('cannot read input', 'x', odd, 66).message).toBe('cannot read input x: EIO: i/o error, read');
    expect(fileError('cannot read input', 'x', 'plain text', 66).message).toBe('cannot read input x: plain text');
  });
});

describe('readExcludeList', () => {
  it('names a directory given as --exclude in words, not as a raw errno code (exit 66)', () => {
    expect(thrown(() => readExcludeList(tmp))).toMatchObject({ message: `--exclude: cannot read ${tmp}: is a directory`, exitCode: 66 });
  });
});

describe('writeFailure', () => {
  it('is exit 74 for a full or failing disk, and the given code otherwise', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(writeFailure('cannot write output', '<stdout>', full)).toMatchObject({ message: 'cannot write output <stdout>: no space left on device', exitCode: 74, code: 'io-error' });
    expect(writeFailure('cannot write', 'DIR', Object.assign(new Error('x'), { code: 'EACCES' }))).toMatchObject({ message: 'cannot write DIR: permission denied', exitCode: 73 });
  });
});
