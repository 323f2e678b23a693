/**
 * The bad-input corpus, end to end: one file holding every kind of broken line next to good records
 * goes through `td validate`, through the LLM stages in a unix pipe, and into `td report`. Each bad
 * line gets its own one-line message with its line number, the good records all come out, unchanged
 * and in order, and the exit code is 65.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatServer } from '../helpers/chat-server.js';
import { runCli } from '../helpers/cli.js';
import { turnRecord } from '../helpers/records.js';
import { scoredRecord } from '../helpers/scored.js';
import { readJsonl, runPipe, workDir } from './pipe.js';
import { runCliPeakRss } from './peak-rss.js';

const HUGE_MB = 100;
const env = { CHUTES_API_KEY: 'e2e-key-0123456789' };

type Make = (id: string, overrides?: Record<string, unknown>) => Record<string, unknown>;

const makeTurn: Make = (id, overrides = {}) => {
  const base = turnRecord({ id });
  // A distinct history per id, so each good record is its own model request.
  return { ...base, messages: [...base.messages.slice(0, -1), { role: 'user', content: `Observation: ${id}\n` }], ...overrides };
};
const makeScored: Make = (id, overrides = {}) => ({ ...scoredRecord({ index: id.charCodeAt(0), score: 90 }), id, ...overrides });

/** The corpus, line by line; `huge` stands for a 100 MB line that would otherwise be a valid record. */
function corpusLines(make: Make): Array<string | Buffer | 'huge'> {
  const good = (id: string): string => JSON.stringify(make(id));
  const { pr: _pr, ...noPr } = make('no-pr');
  return [
    good('a'), // 1
    '', // 2: blank lines are skipped, but counted
    good('truncated').slice(0, 60), // 3
    Buffer.concat([Buffer.from('{"id":"bad-utf8","note":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]), // 4
    'huge', // 5
    JSON.stringify(make('wrong-type', { turn: 'four' })), // 6
    JSON.stringify(noPr), // 7
    'null', // 8
    '[1,2,3]', // 9
    JSON.stringify(make('no-messages', { messages: [] })), // 10
    JSON.stringify(make('a', { assistant: 'a second record with the id of line 1' })), // 11
    `${good('b')}\r`, // 12: CRLF
    JSON.stringify(make('numeric-id', { id: 7 })), // 13
    good('c'), // 14, the last line, without a newline
  ];
}

/** Writes the corpus a piece at a time (the 100 MB line is never one string in this process); returns the huge line's length in bytes. */
async function writeCorpus(path: string, make: Make): Promise<number> {
  let hugeBytes = 0;
  const out = createWriteStream(path);
  const write = async (data: string | Buffer): Promise<void> => {
    if (!out.write(data)) await once(out, 'drain');
  };
  const lines = corpusLines(make);
  for (const [i, line] of lines.entries()) {
    if (line === 'huge') {
      const [head, tail] = JSON.stringify(make('huge', { assistant: '@@' })).split('"@@"') as [string, string];
      await write(`${head}"`);
      const block = 'THOUGHT: x'.repeat(1 << 17); // 1.25 MiB
      let bytes = 0;
      while (bytes < HUGE_MB * 1e6) {
        await write(block);
        bytes += block.length;
      }
      await write(`"${tail}`);
      hugeBytes = Buffer.byteLength(`${head}""${tail}`) + bytes;
    } else {
      await write(line);
    }
    if (i < lines.length - 1) await write('\n');
  }
  out.end();
  await once(out, 'finish');
  return hugeBytes;
}

const SCHEMA = {
  wrongType: 'turn: expected number, got "four" (string)',
  noPr: 'pr: missing (expected object)',
  noMessages: 'messages: expected at least 2 messages (the system prompt and the task), got an array of 0',
  numericId: 'id: expected string, got 7 (number)',
};

/** `FILE:LINE: reason: message (td STAGE)`, in line order, for the corpus' bad lines. */
function expectedMessages(file: string, stage: string): string[] {
  return [
    `${file}:3: invalid-json: invalid JSON: Unterminated string in JSON at position 60 (td ${stage})`,
    `${file}:4: invalid-utf8: the line is not valid UTF-8 (td ${stage})`,
    `${file}:5: line-too-long: the line is ${hugeBytes} bytes, over the limit of 67108864 bytes (raise it with --max-line-bytes) (td ${stage})`,
    `${file}:6: schema: ${SCHEMA.wrongType} (td ${stage})`,
    `${file}:7: schema: ${SCHEMA.noPr} (td ${stage})`,
    `${file}:8: not-an-object: expected a JSON object, got null (td ${stage})`,
    `${file}:9: not-an-object: expected a JSON object, got an array (td ${stage})`,
    `${file}:10: schema: ${SCHEMA.noMessages} (td ${stage})`,
    `${file}:11: duplicate-id: id "a" was already passed on by an earlier record: one record per id (td ${stage})`,
    `${file}:13: schema: ${SCHEMA.numericId} (td ${stage})`,
  ];
}

/** The `FILE:LINE: ...` lines of a stage's stderr, sorted by line (codec errors are found before schema errors). */
function messageLines(stderr: string, file: string): string[] {
  const lineOf = (text: string): number => Number(text.slice(file.length + 1).split(':')[0]);
  return stderr
    .split('\n')
    .filter((line) => line.startsWith(`${file}:`))
    .sort((a, b) => lineOf(a) - lineOf(b));
}

let dir: string;
let turns: string;
let scored: string;
let hugeBytes: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'td-e2e-bad-'));
  turns = join(dir, 'turns.jsonl');
  scored = join(dir, 'scored.jsonl');
  hugeBytes = await writeCorpus(turns, makeTurn);
  await writeCorpus(scored, makeScored);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bad-input corpus', () => {
  it('td validate: one message per bad line with its line number, the good records unchanged, exit 65', async () => {
    const errors = join(workDir(), 'errors.jsonl');
    const result = await runCli(['validate', '-i', turns, '--errors', errors]);
    expect(result.code).toBe(65);
    expect(result.stdout).toBe([makeTurn('a'), makeTurn('b'), makeTurn('c')].map((r) => JSON.stringify(r) + '\n').join(''));
    expect(messageLines(result.stderr, turns)).toEqual(expectedMessages(turns, 'validate'));
    expect(result.stderr).toContain(
      'td validate: in 13, out 3, failed 10 (schema 4, not-an-object 2, invalid-json 1, invalid-utf8 1, line-too-long 1, duplicate-id 1)',
    );

    const entries = readJsonl(errors);
    expect(entries.map((e) => [e.line, e.stage, e.kind, e.reason]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [3, 'validate', 'invalid', 'invalid-json'],
      [4, 'validate', 'invalid', 'invalid-utf8'],
      [5, 'validate', 'invalid', 'line-too-long'],
      [6, 'validate', 'invalid', 'schema'],
      [7, 'validate', 'invalid', 'schema'],
      [8, 'validate', 'invalid', 'not-an-object'],
      [9, 'validate', 'invalid', 'not-an-object'],
      [10, 'validate', 'invalid', 'schema'],
      [11, 'validate', 'invalid', 'duplicate-id'],
      [13, 'validate', 'invalid', 'schema'],
    ]);
    // Replayable: a parsed record is kept whole, an unparsable line as raw text (the 100 MB one cut to its head).
    const byLine = new Map(entries.map((e) => [e.line, e]));
    expect(byLine.get(11)!.record).toEqual(makeTurn('a', { assistant: 'a second record with the id of line 1' }));
    expect(byLine.get(3)!.raw).toBe(JSON.stringify(makeTurn('truncated')).slice(0, 60));
    expect(byLine.get(5)!.rawBytes).toBe(hugeBytes);
    expect(String(byLine.get(5)!.raw)).toHaveLength(1024);
  });

  it('td king | td challenge: only the good records reach the model, and both stages pass them on', async () => {
    const server = await startChatServer();
    try {
      const work = workDir();
      const out = join(work, 'out.jsonl');
      const common = ['--base-url', server.url, '--cache', join(work, 'cache'), '--errors', join(work, 'errors.jsonl')];
      const result = await runPipe(
        [
          { name: 'king', args: common },
          { name: 'challenge', args: common },
        ],
        { dir: work, env, stdin: turns, stdout: out },
      );
      expect(result.codes).toEqual({ king: 65, challenge: 0 });
      expect(messageLines(result.stderr.king!, '<stdin>')).toEqual(expectedMessages('<stdin>', 'king'));
      expect(result.stderr.challenge).not.toContain('<stdin>:');
      const records = readJsonl(out);
      expect(records.map((r) => r.id)).toEqual(['a', 'b', 'c']);
      for (const record of records) {
        const { king: _k, challenger: _c, leak: _l, meta: _m, ...rest } = record;
        expect(rest).toEqual(makeTurn(String(record.id)));
      }
      // a, b and c, once each per stage: the duplicate of a asks exactly what a asked, so the cache answers it.
      expect(server.chatRequests()).toHaveLength(6);
      expect(readJsonl(join(work, 'errors.jsonl'))).toHaveLength(10);
    } finally {
      await server.close();
    }
  });

  it('td report: the same corpus of scored records; the funnel accounts for every line read', async () => {
    const work = workDir();
    const out = join(work, 'report');
    const result = await runCli(['report', '-i', scored, '--out', out]);
    expect(result.code).toBe(65);
    const messages = messageLines(result.stderr, scored);
    expect(messages.map((line) => line.split(': ')[0]!.slice(scored.length + 1) + ' ' + line.split(': ')[1])).toEqual([
      '3 invalid-json',
      '4 invalid-utf8',
      '5 line-too-long',
      '6 schema',
      '7 schema',
      '8 not-an-object',
      '9 not-an-object',
      '10 schema',
      '11 duplicate-id',
      '13 schema',
    ]);
    expect(messages[3]).toBe(`${scored}:6: schema: ${SCHEMA.wrongType} (td report)`);
    expect(messages[8]).toBe(`${scored}:11: duplicate-id: id "a" was already passed on by an earlier record: one record per id (td report)`);
    expect(readJsonl(join(out, 'final.jsonl')).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('| records read | 13 |');
    expect(report).toContain('| rejected as invalid (see the errors file) | 10 |');
  });

  it('memory follows --max-line-bytes, not the line: the 100 MB line is counted, never held', async () => {
    const work = workDir();
    const small = join(work, 'small.jsonl');
    writeFileSync(small, `${JSON.stringify(makeTurn('a'))}\n`);
    const baseline = await runCliPeakRss(['validate', '-q', '-i', small, '-o', join(work, 'out-small.jsonl')], work);
    const huge = await runCliPeakRss(['validate', '-q', '--max-line-bytes', '8MiB', '-i', turns, '-o', join(work, 'out.jsonl')], work);
    expect(huge.code).toBe(65);
    expect(huge.stderr).toContain(`:5: line-too-long: the line is ${hugeBytes} bytes, over the limit of 8388608 bytes`);
    // Holding the line would add at least its 100 MB; reading it 1 MiB at a time adds only the GC's slack.
    expect(huge.peakRssMb - baseline.peakRssMb).toBeLessThan(75);
  });
});
