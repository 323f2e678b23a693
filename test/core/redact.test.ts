import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';

describe('Redactor', () => {
  it('masks registered secrets wherever they appear', () => {
    const redactor = new Redactor(['cpk_live_TESTKEY_0123456789']);
    expect(redactor.apply('401: bad key cpk_live_TESTKEY_0123456789 (cpk_live_TESTKEY_0123456789)')).toBe('401: bad key [REDACTED] ([REDACTED])');
  });

  it('masks token-shaped strings it was not told about', () => {
    const redactor = new Redactor();
    expect(redactor.apply('Authorization: Bearer abc.def-123456789')).toBe('Authorization: [REDACTED]');
    expect(redactor.apply('token hf_abcdefghijklmnopqrstuvwx used')).toBe('token [REDACTED] used');
    expect(redactor.apply('key sk-proj-ABCDEFGHIJKLMNOPQRST')).toBe('key [REDACTED]');
  });

  it('reads secrets from the environment, including extra variable names', () => {
    const redactor = Redactor.fromEnv({ CHUTES_API_KEY: 'chutes-secret-value', MY_KEY: 'another-secret' }, ['MY_KEY']);
    expect(redactor.apply('chutes-secret-value / another-secret')).toBe('[REDACTED] / [REDACTED]');
  });

  it('ignores values too short to be secrets', () => {
    expect(new Redactor(['abc']).apply('abc')).toBe('abc');
  });
});
