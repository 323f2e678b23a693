import { EXIT } from '../../core/exit-codes.js';
import { TdError } from '../../core/td-error.js';
import type { DuckDb } from './duckdb.js';
import { sqlString } from '../../core/sql-string.js';
import { countJsonlRows, parseJsonObject, readJsonlRows, tooLongMessage, type JsonlRow } from './jsonl-rows.js';
import type { DatasetFile } from './list-files.js';

/** The columns of a trajectory row that `td sample` reads; other columns are never fetched. */
export const TRAJECTORY_COLUMNS = ['instance_id', 'repo', 'messages', 'exit_status'] as const;
const REQUIRED_COLUMNS = ['instance_id', 'repo', 'messages'];

/** One trajectory row as read, before validation. */
export interface TrajectoryRow {
  row: number;
  /** 1-based line for JSONL; row + 1 for parquet (so `file:line` reads the same way for both). */
  line: number;
  /** The row's columns, or undefined when the line was not a JSON object (then `raw` and `error`). */
  value?: Record<string, unknown>;
  raw?: string;
  /** The line's length in bytes when `raw` holds only its head (a line over the limit). */
  rawBytes?: number;
  error?: string;
}

/** Row counts of every file: parquet from its footer (no data is read), JSONL by reading it once. */
export async function countRows(files: readonly DatasetFile[], db: () => Promise<DuckDb>, signal?: AbortSignal): Promise<number[]> {
  const parquet = files.filter((file) => file.format === 'parquet');
  const counts = new Map<string, number>();
  if (parquet.length > 0) {
    const list = parquet.map((file) => sqlString(file.location)).join(', ');
    const rows = await (await db()).query(`SELECT file_name, num_rows FROM parquet_file_metadata([${list}])`, signal);
    for (const row of rows) counts.set(String(row.file_name), Number(row.num_rows));
  }
  const result: number[] = [];
  for (const file of files) {
    if (file.format === 'jsonl') result.push(await countJsonlRows(file.location));
    else {
      const count = counts.get(file.location);
      if (count === undefined) throw new TdError(`cannot read the row count of ${file.location} from its parquet footer`, EXIT.dataError, 'parquet');
      result.push(count);
    }
  }
  return result;
}

/** Fails early, before sampling, when the trajectory files lack a column the sample needs. */
export async function assertTrajectoryColumns(flag: string, file: DatasetFile, db: DuckDb, signal?: AbortSignal): Promise<void> {
  if (file.format !== 'parquet') return;
  const described = await db.query(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file.location)})`, signal);
  const names = new Set(described.map((row) => String(row.column_name)));
  const missing = REQUIRED_COLUMNS.filter((column) => !names.has(column));
  if (missing.length > 0) {
    throw new TdError(
      `${flag}: ${file.name} has no column ${missing.join(', ')} (expected SWE-ZERO trajectories: instance_id, repo, messages, exit_status)`,
      EXIT.dataError,
      'schema',
    );
  }
}

/**
 * Reads the given rows of one file. Parquet: one query whose `file_row_number IN (...)` filter lets
 * DuckDB skip every row group that holds none of them, fetching only the trajectory columns.
 */
export async function readTrajectoryRows(
  file: DatasetFile,
  rows: readonly number[],
  db: () => Promise<DuckDb>,
  signal?: AbortSignal,
): Promise<Map<number, TrajectoryRow>> {
  const found = new Map<number, TrajectoryRow>();
  if (rows.length === 0) return found;
  if (file.format === 'jsonl') {
    for (const [row, entry] of await readJsonlRows(file.location, new Set(rows))) found.set(row, parseJsonRow(entry));
    return found;
  }
  const columns = TRAJECTORY_COLUMNS.map((column) => sqlString(column)).join(', ');
  const sql =
    `SELECT file_row_number AS __td_row, COLUMNS(c -> c IN (${columns})) ` +
    `FROM read_parquet(${sqlString(file.location)}, file_row_number = true) ` +
    `WHERE file_row_number IN (${[...rows].sort((a, b) => a - b).join(', ')})`;
  for (const record of await (await db()).query(sql, signal)) {
    const row = Number(record.__td_row);
    delete record.__td_row;
    found.set(row, { row, line: row + 1, value: record });
  }
  return found;
}

function parseJsonRow(entry: JsonlRow): TrajectoryRow {
  const { row, line, text } = entry;
  if (entry.tooLong) return { row, line, raw: text, rawBytes: entry.bytes, error: tooLongMessage(entry) };
  const parsed = parseJsonObject(text);
  return parsed.ok ? { row, line, value: parsed.value } : { row, line, raw: text, error: parsed.message };
}
