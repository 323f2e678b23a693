import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT } from '../core/exit-codes.js';
import { fileError } from '../core/file-error.js';
import { TdError } from '../core/td-error.js';
import type { TreeFile } from './tree.js';

/** Refuses an OUT that holds anything: a dry run writes a whole tree and must not mix it with other files. */
export function assertEmptyOrMissing(out: string): void {
  let entries: string[];
  try {
    entries = readdirSync(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw fileError('cannot write --dry-run', out, error, EXIT.cantCreate);
  }
  if (entries.length > 0) throw new TdError(`--dry-run ${out}: not empty; choose a new or empty directory`, EXIT.usage, 'usage');
}

/** Writes the files exactly as they would be committed, under their repository paths. */
export function writeTree(out: string, files: readonly TreeFile[]): void {
  for (const file of files) {
    const target = join(out, ...file.path.split('/'));
    try {
      mkdirSync(dirname(target), { recursive: true });
      if (file.local !== undefined) copyFileSync(file.local, target);
      else writeFileSync(target, file.text ?? '');
    } catch (error) {
      throw fileError('cannot write', target, error, EXIT.cantCreate);
    }
  }
}
