import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { EXIT } from './exit-codes.js';
import type { Session } from './session.js';
import { TdError } from './td-error.js';

/**
 * The environment a stage sees: the process environment over a `.env` file in the working directory
 * (read once per session; the process environment wins, as with dotenv's default). Every stage reads
 * this one environment: the API key of an LLM stage and `td sample`'s HF_TOKEN may sit in the same
 * `.env`. dotenv's `config()` is not used: it prints a banner on stdout, which carries data only.
 */
export function sessionEnv(session: Session, cwd = process.cwd()): NodeJS.ProcessEnv {
  return session.memo(`env:${cwd}`, () => {
    let fromFile: Record<string, string> = {};
    try {
      fromFile = parseDotenv(readFileSync(join(cwd, '.env')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new TdError(`cannot read ${join(cwd, '.env')}: ${(error as Error).message}`, EXIT.config, 'config');
      }
    }
    return { ...fromFile, ...session.env };
  });
}
