import { describe, expect, it } from 'vitest';
import { withoutVolatile } from '../../src/contract/meta.js';
import { rawWithoutVolatile } from '../../src/sinks/report/record-line.js';


describe('rawWithoutVolatile', () => {
  it('gives JSON.stringify(withoutVolatile(record)) for compact JSON, whatever the meta looks like', () => {
    const records = [
      { id: 'a', meta: { king: { model: 'm', calls: [{ model: 'm', cached: true, latency_ms: 5, retries: 1, status: 'ok' }, { cached: false }, 3, null] }, note: 'x', judge: null } },
      { id: 'b', meta: { king: { calls: 'not an array' }, x: [{ cached: 1 }] } },
      { id: 'c', meta: [1, { calls: [{ cached: true }] }] },
      { id: 'd', calls: [{ cached: true }], nested: { meta: { king: { calls: [{ cached: true }] } } } },
      { id: 'e' },
    ];
    for (const record of records) expect(rawWithoutVolatile(JSON.stringify(record))).toBe(JSON.stringify(withoutVolatile(record)));
  });

  it('returns a line without volatile members as it is, spacing and all', () => {
    const line = ' {"meta" : {"king":{"calls":[ {"model":"m"} ]}} , "n":1.0}';
    expect(rawWithoutVolatile(line)).toBe(line);
  });
});
