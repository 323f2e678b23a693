import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { Session } from '../../src/core/session.js';

function sessionWithLog(log: string[]): Session {
  const never = new AbortController().signal;
  return new Session(silentLogger, { report() {}, close: () => void log.push('errors file') }, new Redactor(), never, never, {});
}

describe('Session.close', () => {
  it('runs every closer in reverse order and closes the errors file even when one closer throws, then throws its error', async () => {
    const log: string[] = [];
    const session = sessionWithLog(log);
    session.onClose(() => void log.push('first'));
    session.onClose(async () => {
      log.push('failing');
      throw new Error('DuckDB did not open');
    });
    session.onClose(() => {
      log.push('also failing');
      throw new Error('second failure');
    });
    session.onClose(() => void log.push('last'));
    await expect(session.close()).rejects.toThrow('second failure');
    expect(log).toEqual(['last', 'also failing', 'failing', 'first', 'errors file']);
  });

  it('runs each closer once, however often it is closed', async () => {
    const log: string[] = [];
    const session = sessionWithLog(log);
    session.onClose(() => void log.push('closer'));
    await session.close();
    await session.close();
    expect(log).toEqual(['closer', 'errors file', 'errors file']);
  });
});
