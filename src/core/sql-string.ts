/**
 * A SQL string literal for DuckDB: single quotes doubled. Its own module, free of the DuckDB native
 * library, so that `td report` (parquet exports) and `td sample` quote the same way without loading it.
 */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
