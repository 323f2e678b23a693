import { describe, expect, it } from 'vitest';
import { NumberList } from '../../src/sinks/report/number-list.js';

describe('NumberList', () => {
  it('keeps every pushed value across growth', () => {
    const list = new NumberList();
    for (let i = 0; i < 5000; i++) list.push(i / 2);
    expect(list.length).toBe(5000);
    expect(list.values()[4999]).toBe(2499.5);
    expect(list.values().length).toBe(5000);
  });
});
