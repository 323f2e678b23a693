import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flagsOf, option, schemaDefault } from '../../src/core/option-flags.js';
import { byteSize, byteSizeText, flag, integer, stringList, text } from '../../src/core/option-types.js';

describe('option and flagsOf', () => {
  it("ends each help line in the schema's default, written as the flag takes it", () => {
    const shape = {
      count: option(integer(1).default(2000), { flags: '-n, --count <n>', help: 'records to emit' }),
      size: option(byteSize().default(4 * 1024 ** 2), { flags: '--size <size>', help: 'largest reply', show: byteSizeText }),
      names: option(stringList().default(['a', 'b']), { flags: '--names <list>', help: 'names' }),
      rpm: option(integer(1).optional(), { flags: '--rpm <n>', help: 'requests per minute at most', unset: 'unlimited' }),
      exclude: option(text().optional(), { flags: '--exclude <file>', help: 'ids to skip' }),
    };
    expect(flagsOf(shape)).toEqual([
      { key: 'count', flags: '-n, --count <n>', description: 'records to emit (default: 2000)' },
      { key: 'size', flags: '--size <size>', description: 'largest reply (default: 4MiB)' },
      { key: 'names', flags: '--names <list>', description: 'names (default: a,b)' },
      { key: 'rpm', flags: '--rpm <n>', description: 'requests per minute at most (default: unlimited)' },
      { key: 'exclude', flags: '--exclude <file>', description: 'ids to skip' },
    ]);
  });

  it('shows a switch default by its form, and marks a switch that is on by default', () => {
    const shape = {
      gold: option(flag().default(true), { flags: '--gold', help: 'show the gold patch' }, { flags: '--no-gold', help: 'hide it' }),
      leaks: option(flag().default(false), { flags: '--reject-leaks', help: 'reject leaks' }),
    };
    expect(flagsOf(shape).map((f) => [f.flags, f.description])).toEqual([
      ['--gold', 'show the gold patch (default)'],
      ['--no-gold', 'hide it'],
      ['--reject-leaks', 'reject leaks'],
    ]);
  });

  it('lists the keys asked for, in that order, and skips keys without flags', () => {
    const shape = {
      dir: text(),
      a: option(text().optional(), { flags: '--a <x>', help: 'a' }),
      b: option(text().optional(), { flags: '--b <x>', help: 'b' }),
    };
    expect(flagsOf(shape).map((f) => f.key)).toEqual(['a', 'b']);
    expect(flagsOf(shape, ['b', 'dir', 'a']).map((f) => f.key)).toEqual(['b', 'a']);
  });

  it('refuses a default written a second time, and a default it cannot write', () => {
    const twice = { n: option(integer(1).default(3), { flags: '--n <n>', help: 'n', unset: '3' }) };
    expect(() => flagsOf(twice)).toThrow("n (--n <n>): the schema's default is shown; unset text is for options without one");
    const opaque = { judges: option(z.array(z.object({ model: z.string() })).default([{ model: 'm' }]), { flags: '--judges <list>', help: 'judges' }) };
    expect(() => flagsOf(opaque)).toThrow('judges (--judges <list>): give the option a show() for its default {"model":"m"}');
  });

  it('reads a default as parsing a missing key gives it (after any transform), and none from a required or optional key', () => {
    expect(schemaDefault(text().default('https://hub/').transform((url) => url.replace(/\/+$/, '')))).toBe('https://hub');
    expect(schemaDefault(text())).toBeUndefined();
    expect(schemaDefault(text().optional())).toBeUndefined();
  });
});

describe('byteSizeText', () => {
  it('writes a byte count the way byteSize reads it back', () => {
    for (const bytes of [1, 1000, 1024, 1536, 64 * 1024 ** 2, 4 * 1024 ** 2, 2 * 1024 ** 3]) {
      expect(byteSize().parse(byteSizeText(bytes))).toBe(bytes);
    }
    expect([1000, 1024, 64 * 1024 ** 2, 2 * 1024 ** 3].map(byteSizeText)).toEqual(['1000', '1KiB', '64MiB', '2GiB']);
  });
});
