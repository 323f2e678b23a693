import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** DuckDB column types by name, in file order: `{ instance_id: 'VARCHAR', messages: 'STRUCT(role VARCHAR, content VARCHAR)[]' }`. */
export type ColumnTypes = Record<string, string>;

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Writes rows (plain JSON values) to a parquet file with the given column types and row groups of
 * `rowGroupRows` rows. DuckDB cuts row groups at 2048 rows at the least, unless each group arrives as
 * its own piece of a UNION ALL: so the rows are fed in slices, single-threaded, to keep their order.
 */
export async function writeParquet(path: string, columns: ColumnTypes, rows: ReadonlyArray<Record<string, unknown>>, rowGroupRows: number): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'td-parquet-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const jsonl = join(scratch, 'rows.jsonl');
    writeFileSync(jsonl, rows.map((row, index) => JSON.stringify({ ...row, __ord: index }) + '\n').join(''));
    const spec = Object.entries({ ...columns, __ord: 'BIGINT' })
      .map(([name, type]) => `${quote(name)}: ${quote(type)}`)
      .join(', ');
    await connection.run(`CREATE TABLE t AS SELECT * FROM read_json(${quote(jsonl)}, format = 'newline_delimited', columns = {${spec}})`);
    const names = Object.keys(columns)
      .map((name) => `"${name.replace(/"/g, '""')}"`)
      .join(', ');
    const slices: string[] = [];
    for (let start = 0; start < rows.length; start += rowGroupRows) {
      slices.push(`SELECT ${names} FROM (SELECT * FROM t WHERE __ord >= ${start} AND __ord < ${start + rowGroupRows} ORDER BY __ord)`);
    }
    await connection.run(`COPY (${slices.join(' UNION ALL ')}) TO ${quote(path)} (FORMAT parquet, ROW_GROUP_SIZE ${rowGroupRows})`);
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const TRAJECTORY_COLUMNS: ColumnTypes = {
  instance_id: 'VARCHAR',
  repo: 'VARCHAR',
  messages: 'STRUCT(role VARCHAR, content VARCHAR)[]',
  trajectory_format: 'VARCHAR',
  exit_status: 'VARCHAR',
  duration_sec: 'DOUBLE',
};

/** The PR table as nebius/SWE-rebench-V2-PRs ships it (FAIL_TO_PASS as lists, created_at as a timestamp). */
export const PR_COLUMNS: ColumnTypes = {
  instance_id: 'VARCHAR',
  repo: 'VARCHAR',
  pull_number: 'BIGINT',
  base_commit: 'VARCHAR',
  created_at: 'TIMESTAMP',
  license: 'VARCHAR',
  problem_statement: 'VARCHAR',
  pr_description: 'VARCHAR',
  hints_text: 'VARCHAR',
  interface: 'VARCHAR',
  patch: 'VARCHAR',
  test_patch: 'VARCHAR',
  FAIL_TO_PASS: 'VARCHAR[]',
  PASS_TO_PASS: 'VARCHAR[]',
  meta: 'STRUCT(difficulty VARCHAR, num_modified_files BIGINT)',
  install_config: 'STRUCT(test_cmd VARCHAR[])',
};

/** The same table in the other shape seen in the wild: test lists as JSON text, created_at as epoch milliseconds. */
export const PR_COLUMNS_JSON_TEXT: ColumnTypes = { ...PR_COLUMNS, created_at: 'BIGINT', FAIL_TO_PASS: 'VARCHAR', PASS_TO_PASS: 'VARCHAR' };
