import { EXIT } from './exit-codes.js';
import { errorMessage, TdError } from './td-error.js';

/** The words for the errno codes a user can act on; anything else keeps its own message. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on device',
  EFBIG: 'file too large',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
};

/** Why a file operation failed, in a few words: `no such file or directory`, `is a directory`, ... */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const words = typeof code === 'string' ? ERRNO_WORDS[code] : undefined;
  return words ?? errorMessage(error).split('\n')[0]!;
}

/**
 * The one-line error for a file or directory td cannot open, read or write:
 * `fileError('cannot read input', path, error, EXIT.noInput)` gives
 * `cannot read input PATH: no such file or directory`, exit 66. Every place that opens a file says it
 * this way, so the same errno reads the same whichever flag named the path.
 */
export function fileError(what: string, path: string, error: unknown, exitCode: number): TdError {
  const code = exitCode === EXIT.noInput ? 'no-input' : exitCode === EXIT.cantCreate ? 'cannot-write' : exitCode === EXIT.ioError ? 'io-error' : 'config';
  return new TdError(`${what} ${path}: ${fileErrorReason(error)}`, exitCode, code);
}

/** Errnos of a write to an output that opened fine: the device, not the path, is the problem. */
const IO_ERRNOS: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO']);

/**
 * The one-line error for a write that failed: exit 74 (EX_IOERR) when the disk is full or failed,
 * else `otherwise` (73 for a path that cannot be created, say).
 */
export function writeFailure(what: string, path: string, error: unknown, otherwise: number = EXIT.cantCreate): TdError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return fileError(what, path, error, typeof code === 'string' && IO_ERRNOS.has(code) ? EXIT.ioError : otherwise);
}
