/**
 * docs/ARCHITECTURE.md's "Adding a stage" walk-through, as code: a toy stage of each kind written
 * against the public contract only (src/index.ts), run by the adapters in-process, then composed by
 * the one composer from a pipeline file, as `td run` composes the real ones.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  composeStages,
  EXIT,
  fail,
  flagsOf,
  integer,
  loadPipeline,
  ok,
  option,
  runSink,
  runSource,
  runTransform,
  STAGES,
  TdError,
  type SinkSpec,
  type SourceSpec,
  type TransformSpec,
} from '../../src/index.js';
import { collectAll, testSession } from '../helpers/session.js';

// 1. A source: `count --to N` yields records 1..N. Failures are values too, with where they came from.
const countShape = {
  to: option(integer(1).default(3), { flags: '--to <n>', help: 'last number' }),
  skip: option(integer(1).optional(), { flags: '--skip <n>', help: 'a number to fail on' }),
};
const CountOptions = z.object(countShape);
const countSpec: SourceSpec<z.infer<typeof CountOptions>> = {
  kind: 'source',
  name: 'count',
  summary: 'count from 1 to --to',
  options: CountOptions,
  flags: flagsOf(countShape),
  create: (options) => ({
    async *run(ctx) {
      for (let n = 1; n <= options.to && !ctx.stopSignal.aborted; n++) {
        if (n === options.skip) yield { ...fail('filtered', 'skipped', `${n} is --skip`), source: 'count', line: n, replay: { record: { n } } };
        else yield { ok: true, record: { id: `n${n}`, n }, source: 'count', line: n };
      }
    },
  }),
};

// 2. A transform: the adapter checks `input`, runs `run` on several records at once and keeps their order.
const Numbered = z.looseObject({ id: z.string(), n: z.number().int() });
const squareShape = { max: option(integer(1).default(100), { flags: '--max <n>', help: 'largest square' }) };
const SquareOptions = z.object(squareShape);
const squareSpec: TransformSpec<z.infer<typeof SquareOptions>> = {
  kind: 'transform',
  name: 'square',
  summary: 'add n squared',
  options: SquareOptions,
  flags: flagsOf(squareShape),
  create: (options) => ({
    input: Numbered,
    recordsInFlight: 4,
    run: async (record) => {
      const square = record.n * record.n;
      return square > options.max ? fail('rejected', 'too-big', `${square} is over --max ${options.max}`) : ok({ ...record, square });
    },
  }),
};

// 3. A sink: reads every record and resolves with its summary; here it writes one file of its own.
const sumShape = { out: option(z.string(), { flags: '--out <file>', help: 'where the sum goes' }) };
const SumOptions = z.object(sumShape);
const sumSpec: SinkSpec<z.infer<typeof SumOptions>> = {
  kind: 'sink',
  name: 'sum',
  summary: 'write the sum of the squares to --out',
  options: SumOptions,
  flags: flagsOf(sumShape),
  create: (options, runtime) => {
    // Configuration problems are thrown here, before any input is read.
    if (options.out === '') throw new TdError('--out: expected a file name', EXIT.usage);
    return {
      input: Numbered.extend({ square: z.number() }),
      async run(records) {
        let total = 0;
        for await (const record of records) total += record.square;
        writeFileSync(options.out, `${total}\n`);
        runtime.log.info(`sum ${total}`);
        return { total };
      },
    };
  },
};

describe('adding a stage', () => {
  it('runs a toy source, transform and sink through their adapters, which do all the counting and reporting', async () => {
    const t = testSession({ stage: 'count' });
    const source = await countSpec.create(CountOptions.parse({ to: 5, skip: 2 }), t.runtime);
    const counted = await collectAll(runSource(source, t.runtime));

    const square = t.session.forStage('square');
    const squared = await collectAll(runTransform(counted, await squareSpec.create(SquareOptions.parse({ max: 10 }), square), square));

    const sum = t.session.forStage('sum');
    const out = join(mkdtempSync(join(tmpdir(), 'td-toy-')), 'sum.txt');
    const summary = await runSink(squared, await sumSpec.create({ out }, sum), sum);

    expect(summary).toEqual({ total: 1 + 9 });
    expect(t.errors.map((e) => [e.stage, e.line, e.reason, e.error])).toEqual([
      ['count', 2, 'skipped', '2 is --skip'],
      ['square', 4, 'too-big', '16 is over --max 10'],
      ['square', 5, 'too-big', '25 is over --max 10'],
    ]);
    // in = out + failed, for every stage, without a line of counting in any of them.
    expect([t.runtime, square, sum].map((r) => [r.stats.in, r.stats.out, r.stats.failed])).toEqual([
      [5, 4, 1],
      [4, 2, 2],
      [2, 2, 0],
    ]);
  });

  it('composes the toy stages from a pipeline file, as td run does, once they are in the registry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-toy-'));
    const file = join(dir, 'toy.toml');
    const out = join(dir, 'sum.txt');
    writeFileSync(file, `[count]\nto = 4\n\n[square]\nmax = 1000\n\n[sum]\nout = "${out}"\n`);
    const registry = [...STAGES, countSpec, squareSpec, sumSpec];
    const plan = loadPipeline(file, registry);
    expect(plan.stages.map((stage) => [stage.spec.name, stage.options])).toEqual([
      ['count', { to: 4 }],
      ['square', { max: 1000 }],
      ['sum', { out }],
    ]);

    const t = testSession();
    const chain = await composeStages(plan, t.session, () => t.session.log);
    await pipeline(chain.streams);
    expect(readFileSync(out, 'utf8')).toBe(`${1 + 4 + 9 + 16}\n`);
    expect(t.logs).toContain('sum 30');
    expect(chain.stages.map(({ runtime, source }) => [runtime.stage, source, runtime.stats.in, runtime.stats.out])).toEqual([
      ['count', true, 4, 4],
      ['square', false, 4, 4],
      ['sum', false, 4, 4],
    ]);
  });

  it("gives the new stage's flags help lines that show its schema's defaults", () => {
    expect(countSpec.flags).toEqual([
      { key: 'to', flags: '--to <n>', description: 'last number (default: 3)' },
      { key: 'skip', flags: '--skip <n>', description: 'a number to fail on' },
    ]);
    expect(squareSpec.flags.map((flag) => flag.description)).toEqual(['largest square (default: 100)']);
  });

  it('reports a bad setting of the new stage the way it does for every stage: file, line, key, rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-toy-'));
    const file = join(dir, 'toy.toml');
    writeFileSync(file, '[count]\nto = 0\n\n[square]\n');
    expect(() => loadPipeline(file, [...STAGES, countSpec, squareSpec])).toThrow(`${file}:2: [count] to: expected an integer from 1 and up, got 0 (number)`);
  });
});
