import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sqlString } from '../../core/sql-string.js';

const MESSAGES = 'STRUCT(role VARCHAR, content VARCHAR)[]';

/** Column types of the training exports: declared, not sniffed, so an empty or odd file gives the same schema. */
export const PARQUET_EXPORTS = {
  sft: { messages: MESSAGES, metadata: 'STRUCT(id VARCHAR, instance_id VARCHAR, score DOUBLE)' },
  dpo: {
    prompt: MESSAGES,
    chosen: MESSAGES,
    rejected: MESSAGES,
    metadata: 'STRUCT(id VARCHAR, instance_id VARCHAR, score DOUBLE, lower_bound DOUBLE, against VARCHAR)',
  },
} as const;


function columnsSql(columns: Record<string, string>): string {
  return `{${Object.entries(columns)
    .map(([name, type]) => `${name}: ${sqlString(type)}`)
    .join(', ')}}`;
}

/**
 * Converts `DIR/sft.jsonl` and `DIR/dpo.jsonl` into `.parquet` files beside them through DuckDB, which
 * streams the rows (bounded memory; spills go to a temp dir inside DIR, removed afterwards).
 * `maxLineBytes` is the longest line written, so DuckDB's per-object limit never rejects one.
 */
export async function writeParquetExports(dir: string, maxLineBytes: number): Promise<void> {
  const spill = join(dir, '.duckdb-tmp');
  // Loaded here, not at the top: the native library costs every td command its start-up time otherwise.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '2',
    memory_limit: '512MB',
    temp_directory: spill,
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
  try {
    const maximumObjectSize = Math.max(16 << 20, maxLineBytes + 1024);
    for (const [name, columns] of Object.entries(PARQUET_EXPORTS)) {
      const source = join(dir, `${name}.jsonl`);
      const target = join(dir, `${name}.parquet`);
      await connection.run(
        `COPY (SELECT * FROM read_json(${sqlString(source)}, format = 'newline_delimited', maximum_object_size = ${maximumObjectSize}, columns = ${columnsSql(columns)})) ` +
          `TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
}
