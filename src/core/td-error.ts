/**
 * An error that ends the command with a one-line message and a chosen exit code (a missing API key, an
 * unreadable input file, a bad flag). Anything else that escapes is a bug and is reported as such.
 */
export class TdError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly code = 'td',
  ) {
    super(message);
    this.name = 'TdError';
  }
}

/** The message of anything thrown (an Error's message, otherwise its string form). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
