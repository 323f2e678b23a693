import { EXIT } from '../core/exit-codes.js';
import { TdError } from '../core/td-error.js';

/** Where td push looks for the Hub token unless `--token-env` names a variable. */
export const TOKEN_ENV_NAMES = ['HF_TOKEN', 'HUGGINGFACE_API_KEY'] as const;

export interface HubToken {
  value: string;
  /** The variable it came from: messages name it, never the value. */
  name: string;
}

/**
 * The token, from `--token-env NAME` alone when given (an explicit choice: a write token beside a read
 * token in HF_TOKEN), else HF_TOKEN, else HUGGINGFACE_API_KEY. `env` is the process environment over ./.env.
 * None set: a configuration error (78).
 */
export function resolveToken(env: NodeJS.ProcessEnv, tokenEnv: string | undefined): HubToken {
  const names = tokenEnv === undefined ? TOKEN_ENV_NAMES : [tokenEnv];
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { value, name };
  }
  const message =
    tokenEnv === undefined
      ? 'no Hub token: set HF_TOKEN (or HUGGINGFACE_API_KEY) to a token that can write, in the environment or in ./.env, or name another variable with --token-env'
      : `no Hub token: ${tokenEnv} (named by --token-env) is not set in the environment or in ./.env`;
  throw new TdError(message, EXIT.config, 'config');
}
