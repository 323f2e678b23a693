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

/** One JSONL file to convert; `columns` declares the schema (omitted: DuckDB infers it from every line). */
export interface ParquetConversion {
  source: string;
  target: string;
  columns?: Record<string, string>;
}

export interface ParquetConversionOptions {
  /** DuckDB's spill directory, created if needed and removed afterwards. */
  spillDir: string;
  /** The longest line in bytes, so DuckDB's per-object limit never rejects one. */
  maxLineBytes: number;
  /** DuckDB threads. @default 2 */
  threads?: number;
  /** Rows per parquet row group; DuckDB holds a whole group in memory while writing it. @default DuckDB's (122880) */
  rowGroupRows?: number;
}

/**
 * Converts JSONL files to zstd parquet through DuckDB, which streams the rows (bounded memory: 512 MB
 * at most, spilling to `spillDir`). Used by `td report --parquet` and `td push --format parquet`.
 */
export async function convertJsonlToParquet(files: readonly ParquetConversion[], options: ParquetConversionOptions): Promise<void> {
  // Loaded here, not at the top: the native library costs every td command its start-up time otherwise.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(options.threads ?? 2),
    memory_limit: '512MB',
    temp_directory: options.spillDir,
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
  try {
    const maximumObjectSize = Math.max(16 << 20, options.maxLineBytes + 1024);
    for (const { source, target, columns } of files) {
      const schema = columns === undefined ? 'sample_size = -1' : `columns = ${columnsSql(columns)}`;
      await connection.run(
        `COPY (SELECT * FROM read_json(${sqlString(source)}, format = 'newline_delimited', maximum_object_size = ${maximumObjectSize}, ${schema})) ` +
          `TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd${options.rowGroupRows === undefined ? '' : `, ROW_GROUP_SIZE ${Math.max(1, Math.floor(options.rowGroupRows))}`})`,
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(options.spillDir, { recursive: true, force: true });
  }
}

/**
 * Converts `DIR/sft.jsonl` and `DIR/dpo.jsonl` into `.parquet` files beside them (spills go to a temp
 * dir inside DIR, removed afterwards). `maxLineBytes` is the longest line written.
 */
export async function writeParquetExports(dir: string, maxLineBytes: number): Promise<void> {
  const files = Object.entries(PARQUET_EXPORTS).map(([name, columns]) => ({ source: join(dir, `${name}.jsonl`), target: join(dir, `${name}.parquet`), columns }));
  await convertJsonlToParquet(files, { spillDir: join(dir, '.duckdb-tmp'), maxLineBytes });
}
