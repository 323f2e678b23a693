import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createErrorSink, type ErrorEntry } from '../../src/core/errors-sink.js';
import type { Logger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function entry(id: string): ErrorEntry {
  return { stage: 'judge', kind: 'transient', reason: 'interrupted', source: '<stdin>', line: 1, id, error: 'aborted: the run was interrupted' };
}

describe('the errors sink', () => {
  it('after close, prints a late entry on stderr and never writes to the closed descriptor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-errors-'));
    dirs.push(dir);
    const path = join(dir, 'errors.jsonl');
    const lines: string[] = [];
    const log: Logger = { info() {}, warn() {}, error() {}, line: (text) => void lines.push(text) };
    const sink = createErrorSink({ path, log, redactor: new Redactor() });
    sink.report(entry('a'));
    sink.close();
    // A record of a stage torn down after the run ended (td judge | head) reports when it settles.
    expect(() => sink.report(entry('b'))).not.toThrow();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as ErrorEntry).id)).toEqual(['a']);
    expect(lines).toEqual(['<stdin>:1: interrupted: aborted: the run was interrupted (td judge)', '<stdin>:1: interrupted: aborted: the run was interrupted (td judge)']);
    expect(() => sink.close()).not.toThrow();
  });

  it('keeps token-shaped text of the replayed record and raw line, masks it in the message, and masks known secrets everywhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-errors-'));
    dirs.push(dir);
    const path = join(dir, 'errors.jsonl');
    const sink = createErrorSink({ path, log: { info() {}, warn() {}, error() {}, line() {} }, redactor: new Redactor(['our-key-123456']) });
    const data = 'export OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwx';
    sink.report({
      ...entry('a'),
      error: 'upstream said: Bearer abcdefghijklmnop (key our-key-123456)',
      raw: `${data} our-key-123456`,
      record: { id: 'a', messages: [{ role: 'user', content: data }], note: 'our-key-123456' },
    });
    sink.close();
    const written = readFileSync(path, 'utf8');
    expect(written.endsWith('\n')).toBe(true);
    const line = JSON.parse(written) as ErrorEntry;
    expect(Object.keys(line)).toEqual(['stage', 'kind', 'reason', 'source', 'line', 'id', 'error', 'raw', 'record']);
    expect(line.error).toBe('upstream said: [REDACTED] (key [REDACTED])');
    expect(line.raw).toBe(`${data} [REDACTED]`);
    expect(line.record).toEqual({ id: 'a', messages: [{ role: 'user', content: data }], note: '[REDACTED]' });
  });
});
