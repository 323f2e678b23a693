import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { byteSize, integer, stringList } from '../../src/core/option-types.js';
import { describeValue, formatZodError } from '../../src/core/zod-format.js';

function messageFor(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) throw new Error('expected a failure');
  return formatZodError(result.error);
}

describe('formatZodError', () => {
  const Record = z.looseObject({
    id: z.string(),
    messages: z.array(z.looseObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
    turn: z.number().int().min(2),
  });

  it('names the field path, the rule and the value it got', () => {
    expect(messageFor(Record, { id: 'a', messages: [{ role: 'robot', content: 'x' }], turn: 2 })).toBe(
      'messages.0.role: expected one of "system"|"user"|"assistant", got "robot" (string)',
    );
    expect(messageFor(Record, { id: 7, messages: [], turn: 2 })).toBe('id: expected string, got 7 (number)');
    expect(messageFor(Record, { id: 'a', messages: [], turn: 1 })).toBe('turn: expected a number at least 2, got 1 (number)');
  });

  it('says missing for an absent field', () => {
    expect(messageFor(Record, { messages: [], turn: 2 })).toBe('id: missing (expected string)');
  });

  it('keeps a schema’s own wording and counts what it does not show', () => {
    expect(messageFor(z.array(z.string()).min(2, 'expected a pair'), ['a'])).toBe('expected a pair, got an array of 1');
    expect(messageFor(Record, {})).toBe('id: missing (expected string); messages: missing (expected array); turn: missing (expected number)');
    expect(messageFor(z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string() }), {})).toMatch(/ \(\+1 more\)$/);
  });

  it('never prints the whole of a long string', () => {
    expect(describeValue('x'.repeat(500))).toBe(`"${'x'.repeat(40)}…" (string)`);
  });
});

describe('option types', () => {
  it('read numbers from CLI strings and from file values alike', () => {
    expect(integer(1).parse('8')).toBe(8);
    expect(integer(1).parse(8)).toBe(8);
    expect(messageFor(integer(1), '0')).toBe('expected an integer from 1 and up, got 0 (number)');
    expect(messageFor(integer(1), 'many')).toBe('expected an integer from 1 and up, got "many" (string)');
  });

  it('read byte sizes with units', () => {
    expect(byteSize().parse('64MiB')).toBe(64 * 1024 * 1024);
    expect(byteSize().parse('2kb')).toBe(2000);
    expect(byteSize().parse(4096)).toBe(4096);
  });

  it('read lists from a comma-separated flag or an array', () => {
    expect(stringList().parse('a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(stringList().parse(['a'])).toEqual(['a']);
  });
});
