import { HubApiError, InvalidApiResponseFormatError } from '@huggingface/hub';
import { EXIT } from '../core/exit-codes.js';
import { errorMessage, TdError } from '../core/td-error.js';

/** The Hub's own words for a failure: its message without the library's `. URL: ... Request ID: ...` trailer. */
function hubWords(error: HubApiError): string {
  const message = errorMessage(error).split('\n')[0]!.replace(/\.? URL: \S+.*$/, '');
  return message.trim();
}

function connectionCause(error: unknown): string | undefined {
  if (!(error instanceof TypeError)) return undefined;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message.split('\n')[0];
  return error.message;
}

/**
 * One line and an exit code for a failed Hub call. `doing` is what td was doing (`committing to o/n@main`),
 * `tokenName` the variable the token came from (named, its value never). 401 and 403 are the token's
 * fault (78: fix it first); 5xx, 429 and lost connections, once retried, are transient (75: rerun); other
 * 4xx are the Hub's refusal of what td sent (1). Anything else is not a Hub failure and passes unchanged.
 */
export function hubFailure(error: unknown, doing: string, tokenName: string): unknown {
  if (error instanceof TdError) return error;
  if (error instanceof HubApiError) {
    const status = error.statusCode;
    const words = hubWords(error);
    if (status === 401) return new TdError(`the Hub refused the token from ${tokenName} while ${doing} (HTTP 401): ${words}`, EXIT.config, 'config');
    if (status === 403) return new TdError(`the token from ${tokenName} may not do this: ${doing} (HTTP 403): ${words}`, EXIT.config, 'config');
    if (status >= 500 || status === 429 || status === 408) {
      return new TdError(`the Hub failed while ${doing} (HTTP ${status}, retried): ${words}; nothing was committed, rerun later`, EXIT.tempFail, 'hub');
    }
    return new TdError(`the Hub refused ${doing} (HTTP ${status}): ${words}`, EXIT.failed, 'hub');
  }
  if (error instanceof InvalidApiResponseFormatError) {
    return new TdError(`the Hub sent an unexpected reply while ${doing}: ${errorMessage(error)}; nothing was committed, rerun later`, EXIT.tempFail, 'hub');
  }
  const cause = connectionCause(error);
  if (cause !== undefined) {
    return new TdError(`cannot reach the Hub while ${doing} (${cause}, retried); nothing was committed, rerun later`, EXIT.tempFail, 'hub');
  }
  return error;
}
