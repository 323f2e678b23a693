import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { writeFixtureSet } from '../../scripts/fixtures.js';
import { FIXTURES } from './helpers.js';

/** A parquet file's schema, rows (in order) and row-group sizes, as comparable text. */
async function describeParquet(path: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const quoted = `'${path.replace(/'/g, "''")}'`;
    const schema = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted})`)).getRowsJson();
    const rows = (await connection.runAndReadAll(`SELECT * FROM read_parquet(${quoted})`)).getRowsJson();
    const groups = (await connection.runAndReadAll(`SELECT row_group_num_rows FROM parquet_metadata(${quoted}) WHERE column_id = 0 ORDER BY row_group_id`)).getRowsJson();
    return JSON.stringify({ schema, rows, groups });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('the fixture generator', () => {
  // The committed files are what tests and the offline demo read; this keeps them equal to what the
  // generator writes today, so a change to the generator cannot silently leave stale fixtures behind.
  it('reproduces the committed fixtures: same schema, rows, order and row groups', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-fixtures-'));
    const written = await writeFixtureSet(dir);
    expect(written).toHaveLength(5);
    for (const path of written) {
      const name = relative(dir, path);
      expect(await describeParquet(path), name).toBe(await describeParquet(join(FIXTURES, name)));
    }
  });

  it('writes row groups of 8 rows, so that reading a window prunes the others', async () => {
    const text = await describeParquet(join(FIXTURES, 'trajectories/train-00000-of-00002.parquet'));
    expect(JSON.parse(text).groups).toEqual([['8'], ['8'], ['8'], ['8']]);
  });
});
