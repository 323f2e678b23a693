import { describe, expect, it } from 'vitest';
import { applyEdits, arrayElements, objectMembers, valueEnd } from '../../src/core/json-spans.js';

describe('json spans', () => {
  it('finds the members of an object as written: duplicates, escaped keys, spacing and nested values included', () => {
    const text = ' { "a" : [1, {"x":"]}\\""}] ,"a":-0,"\\u0062":{"c":{}}, "d":"\\\\" , "e":1e400 } ';
    const members = objectMembers(text, text.indexOf('{'));
    expect(members.map((m) => [m.key, text.slice(m.start, m.end), text.slice(m.valueStart, m.end)])).toEqual([
      ['a', '"a" : [1, {"x":"]}\\""}]', '[1, {"x":"]}\\""}]'],
      ['a', '"a":-0', '-0'],
      ['b', '"\\u0062":{"c":{}}', '{"c":{}}'],
      ['d', '"d":"\\\\"', '"\\\\"'],
      ['e', '"e":1e400', '1e400'],
    ]);
    expect(objectMembers('{ }', 0)).toEqual([]);
  });

  it('finds the elements of an array, and where any value ends', () => {
    const text = '[ 1 ,"]",[[]], {"a":[2]},true ]';
    expect(arrayElements(text, 0).map((e) => text.slice(e.start, e.end))).toEqual(['1', '"]"', '[[]]', '{"a":[2]}', 'true']);
    expect(arrayElements('[]', 0)).toEqual([]);
    expect(valueEnd('"a\\\\"x', 0)).toBe(5);
  });

  it('applies edits in any order', () => {
    expect(applyEdits('abcdef', [{ start: 4, end: 5, with: 'E' }, { start: 0, end: 2, with: '' }])).toBe('cdEf');
  });
});
