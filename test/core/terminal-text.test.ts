import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { forTerminal } from '../../src/core/terminal-text.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';

/** Any C0 control but the line break, DEL, or a C1 control: what must never reach the terminal raw. */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;
const PWNED = '\x1b]0;PWNED\x07\x1b[2J{';

describe('control characters td quotes on stderr are escaped', () => {
  test('forTerminal writes each control character as an escape, and keeps line breaks only when asked', () => {
    expect(forTerminal(`${PWNED} a\x00b\x7fc\x9bd\te\r\nf ok: ü €`)).toBe('\\x1b]0;PWNED\\x07\\x1b[2J{ a\\x00b\\x7fc\\x9bd\\te\\r\\nf ok: ü €');
    expect(forTerminal('line one\nline \x1b two', { keepLineBreaks: true })).toBe('line one\nline \\x1b two');
  });

  test('every logger line is one line, escaped after redaction', () => {
    const written: string[] = [];
    const log = createLogger({ redactor: new Redactor(['key-123456']), prefix: 'td x', stream: { write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream });
    log.line(`a\nforged line\x1b[31m key-123456`);
    log.warn('\x07bell');
    expect(written).toEqual(['a\\nforged line\\x1b[31m [REDACTED]\n', 'td x: warning: \\x07bell\n']);
  });

  test('an invalid line that would set the title and clear the screen is quoted escaped; the errors file keeps it as read', async () => {
    const errors = join(tempDir('td-term-'), 'errors.jsonl');
    const result = await runCli(['validate', '--errors', errors], { input: `${PWNED}\n` });
    expect(result.code).toBe(65);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(result.stderr).toContain('<stdin>:1: invalid-json: invalid JSON: ');
    expect(result.stderr).toContain('\\x1b]0;PWNED\\x07\\x1b[2J{');
    const entry = JSON.parse(readFileSync(errors, 'utf8')) as { raw: string };
    expect(entry.raw).toBe(PWNED);
  });

  test('td import quotes a file name built from a prompt without its NUL and escape bytes', async () => {
    const dir = tempDir('td-term-seed-');
    mkdirSync(join(dir, 'prompt'), { recursive: true });
    mkdirSync(join(dir, 'commit'), { recursive: true });
    const instance = 'acme__w\x00id\x1b[2Jgets-1';
    const messages = [{ role: 'system', content: 'rules' }, { role: 'user', content: 'task' }];
    writeFileSync(join(dir, 'prompt', 'prompts_0.json'), JSON.stringify([{ instance_id: instance, messages }]));
    const errors = join(dir, 'errors.jsonl');
    const result = await runCli(['import', dir, '--as', 'turn', '--errors', errors]);
    expect(result.code).toBe(65);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(result.stderr).toContain('acme__w\\x00id\\x1b[2Jgets-1');
    const entry = JSON.parse(readFileSync(errors, 'utf8').trim()) as { record: { instance_id: string } };
    expect(entry.record.instance_id).toBe(instance);
  });

  test('a fatal error and a command-line error quote their values escaped', async () => {
    const missing = await runCli(['validate', '-i', `no\x1b[2Jfile\x07.jsonl`]);
    expect(missing.code).toBe(66);
    expect(missing.stderr).not.toMatch(RAW_CONTROL);
    expect(missing.stderr).toContain('no\\x1b[2Jfile\\x07.jsonl');
    const unknown = await runCli(['validate', `--x\x1b]0;t\x07`]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).not.toMatch(RAW_CONTROL);
  });
});
