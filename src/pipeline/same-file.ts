import { fstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT } from '../core/exit-codes.js';
import { TdError } from '../core/td-error.js';

/**
 * Refusals checked before any output is opened: an output that is the input file would be truncated
 * (`-o`) or grown (`--errors`, `>> FILE`) while it is read, and a report DIR that holds the input would
 * be swapped away under it. Files are compared by device and inode, so a hard link, a symbolic link or
 * `./x` is the same file; only regular files are compared (reading and writing `/dev/null` is fine).
 */

/** Where the input comes from and where the outputs go, as the command line or `[run]` names them. */
export interface ProcessFiles {
  /** `--input`; undefined or `-`: standard input. */
  input?: string | undefined;
  /** `--output`; undefined or `-`: standard output. */
  output?: string | undefined;
  errors?: string | undefined;
  /** Whether the chain writes JSONL to `--output` (else to stdout); false when it ends with a sink or --output is set. */
  writesStdout: boolean;
}

/** Fails with exit 64 when `--output`, `--errors` or standard output is the input file. */
export function assertOutputsAreNotInput(files: ProcessFiles): void {
  const input = inputStats(files.input);
  if (input === undefined) return;
  const inputName = files.input === undefined || files.input === '-' ? 'standard input' : `the input ${files.input}`;
  const refuse = (what: string): never => {
    throw new TdError(`${what} is ${inputName}: td will not write to the file it reads (it would be destroyed before it is read); write elsewhere`, EXIT.usage, 'usage');
  };
  if (files.output !== undefined && files.output !== '-' && sameFile(input, statOrUndefined(files.output))) refuse(`--output ${files.output}`);
  if (files.errors !== undefined && sameFile(input, statOrUndefined(files.errors))) refuse(`--errors ${files.errors}`);
  if (files.writesStdout && (files.output === undefined || files.output === '-') && sameFile(input, fstatOrUndefined(1))) refuse('standard output');
}

/** Fails with exit 64 when the input file lies inside `dir` (a directory a sink replaces as a whole). */
export function assertInputOutside(input: string | undefined, dir: string, flag: string): void {
  if (input === undefined || input === '-') return;
  const inputStat = statOrUndefined(input);
  const dirStat = statOrUndefined(dir);
  if (inputStat === undefined || !inputStat.isFile() || dirStat === undefined || !dirStat.isDirectory()) return;
  let real: string;
  try {
    real = realpathSync(input);
  } catch {
    return;
  }
  for (let parent = dirname(real); ; parent = dirname(parent)) {
    if (sameFile(dirStat, statOrUndefined(parent))) {
      throw new TdError(`${flag} ${dir} holds the input ${input}: td replaces that directory as a whole, which would delete the input; write elsewhere`, EXIT.usage, 'usage');
    }
    if (dirname(parent) === parent) return;
  }
}

function inputStats(input: string | undefined): Stats | undefined {
  const stats = input === undefined || input === '-' ? fstatOrUndefined(0) : statOrUndefined(input);
  return stats?.isFile() ? stats : undefined;
}

function sameFile(a: Stats | undefined, b: Stats | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function fstatOrUndefined(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}
