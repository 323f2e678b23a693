import { z } from 'zod';
import type { Pr } from '../../contract/pr.js';
import { formatZodError } from '../../core/zod-format.js';
import type { DuckDb } from './duckdb.js';
import { sqlString } from '../../core/sql-string.js';
import { parseJsonObject, readJsonlSpans, scanJsonlRows, tooLongMessage } from './jsonl-rows.js';
import type { Dataset } from './list-files.js';
import { patchFiles } from './patch-files.js';

/** The PR columns `td sample` reads from SWE-rebench-V2-PRs (meta, install_config, license... are never fetched). */
export const PR_COLUMNS = [
  'instance_id',
  'problem_statement',
  'pr_description',
  'hints_text',
  'interface',
  'patch',
  'test_patch',
  'FAIL_TO_PASS',
  'PASS_TO_PASS',
  'base_commit',
  'pull_number',
  'created_at',
] as const;

/** A PR row as read, with where it was found (for the newest-wins tie-break). */
interface PrRow {
  value: Record<string, unknown>;
  fileIndex: number;
  row: number;
}

/** Where the newest JSONL row of one instance id is, and its `created_at` (to compare it with parquet rows). */
interface IndexedRow extends PrRow {
  offset: number;
  bytes: number;
}

/** A line of a JSONL PR table that cannot be a PR row: reported once, as `bad-pr`. */
export interface BadPrLine {
  file: string;
  line: number;
  message: string;
  raw: string;
  /** The line's length, when `raw` is only its head. */
  rawBytes?: number;
}

/** Keeps the newest row per instance id; `created_at` decides, then file order, then row order. */
class NewestRows<R extends PrRow> {
  readonly byId = new Map<string, R>();

  keep(id: string, candidate: R): void {
    const current = this.byId.get(id);
    if (current === undefined || isNewer(candidate, current)) this.byId.set(id, candidate);
  }
}

/**
 * The PR table of a sample: loads the rows of given instance ids, batch by batch. Parquet files are
 * queried per batch with an `instance_id IN (...)` filter that DuckDB pushes into the scan, so only the
 * matching rows' large columns (patch, problem statement) are decoded. JSONL files are scanned once, on
 * first use, into an index (instance id -> offset of its newest line; a few dozen bytes per PR), and a
 * batch reads only its rows, by offset; a line that is not a PR row is reported once through
 * `onBadLine`. Some instance ids repeat in the dataset: one row per id is kept, the newest `created_at`
 * (ties: the first in file order).
 */
export class PrTable {
  private jsonlIndex: Promise<Map<string, IndexedRow>> | undefined;

  constructor(
    private readonly dataset: Dataset,
    private readonly db: () => Promise<DuckDb>,
    private readonly onBadLine: (bad: BadPrLine) => void,
    /** Counts indexed JSONL rows (`PR rows indexed`), so a test or a reader can see the scan happens once. */
    private readonly count: (rows: number) => void = () => {},
  ) {}

  async rows(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, Record<string, unknown>>> {
    if (ids.length === 0) return new Map();
    const wanted = new Set(ids);
    const newest = new NewestRows<PrRow>();
    await this.parquetRows(wanted, newest, signal);
    if (this.dataset.files.some((file) => file.format === 'jsonl')) {
      const index = await (this.jsonlIndex ??= this.indexJsonl(signal));
      const byFile = new Map<number, Array<[string, IndexedRow]>>();
      for (const id of wanted) {
        const entry = index.get(id);
        if (entry === undefined) continue;
        const list = byFile.get(entry.fileIndex) ?? [];
        list.push([id, entry]);
        byFile.set(entry.fileIndex, list);
      }
      for (const [fileIndex, entries] of byFile) {
        entries.sort((a, b) => a[1].offset - b[1].offset);
        const texts = await readJsonlSpans(this.dataset.files[fileIndex]!.location, entries.map(([, entry]) => entry));
        for (const [i, [id, entry]] of entries.entries()) {
          // Parsed and checked when indexed: an object with this instance id.
          newest.keep(id, { value: JSON.parse(texts[i]!) as Record<string, unknown>, fileIndex, row: entry.row });
        }
      }
    }
    return new Map([...newest.byId].map(([id, row]) => [id, row.value]));
  }

  private async parquetRows(wanted: ReadonlySet<string>, newest: NewestRows<PrRow>, signal?: AbortSignal): Promise<void> {
    const parquet = this.dataset.files.map((file, index) => ({ file, index })).filter(({ file }) => file.format === 'parquet');
    if (parquet.length === 0) return;
    const indexOf = new Map(parquet.map(({ file, index }) => [file.location, index]));
    const files = parquet.map(({ file }) => sqlString(file.location)).join(', ');
    const columns = PR_COLUMNS.map((column) => sqlString(column)).join(', ');
    const sql =
      `SELECT filename AS __td_file, file_row_number AS __td_row, COLUMNS(c -> c IN (${columns})) ` +
      `FROM read_parquet([${files}], filename = true, file_row_number = true, union_by_name = true) ` +
      `WHERE instance_id IN (${[...wanted].map(sqlString).join(', ')})`;
    for (const record of await (await this.db()).query(sql, signal)) {
      const fileIndex = indexOf.get(String(record.__td_file)) ?? Number.MAX_SAFE_INTEGER;
      const row = Number(record.__td_row);
      delete record.__td_file;
      delete record.__td_row;
      if (typeof record.instance_id === 'string') newest.keep(record.instance_id, { value: record, fileIndex, row });
    }
  }

  private async indexJsonl(signal?: AbortSignal): Promise<Map<string, IndexedRow>> {
    const newest = new NewestRows<IndexedRow>();
    let rows = 0;
    for (const [fileIndex, file] of this.dataset.files.entries()) {
      if (file.format !== 'jsonl') continue;
      for await (const entry of scanJsonlRows(file.location)) {
        signal?.throwIfAborted();
        rows++;
        const bad = (message: string): void => {
          const raw = entry.tooLong ? { raw: entry.text, rawBytes: entry.bytes } : { raw: entry.text };
          this.onBadLine({ file: file.name, line: entry.line, message, ...raw });
        };
        if (entry.tooLong) {
          bad(tooLongMessage(entry));
          continue;
        }
        const parsed = parseJsonObject(entry.text);
        if (!parsed.ok) {
          bad(parsed.message);
          continue;
        }
        const id = parsed.value.instance_id;
        if (typeof id !== 'string' || id === '') {
          bad(`instance_id: expected a non-empty string, got ${typeof id === 'string' ? '""' : id === null ? 'null' : id === undefined ? 'nothing' : `a ${typeof id}`}`);
          continue;
        }
        // Only created_at is kept: the row itself is read again, by offset, when a batch asks for it.
        newest.keep(id, { value: { created_at: parsed.value.created_at }, fileIndex, row: entry.row, offset: entry.offset, bytes: entry.bytes });
      }
    }
    this.count(rows);
    return newest.byId;
  }
}

function isNewer(candidate: PrRow, current: PrRow): boolean {
  const a = createdAtMillis(candidate.value.created_at);
  const b = createdAtMillis(current.value.created_at);
  if (a !== b) return a > b;
  return candidate.fileIndex !== current.fileIndex ? candidate.fileIndex < current.fileIndex : candidate.row < current.row;
}

/** `created_at` as epoch milliseconds whatever its type (timestamp, epoch s/ms, ISO text); unknown sorts oldest. */
export function createdAtMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') value = Number(value);
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) value = Number(value);
  // Epoch numbers below 1e11 are seconds (1e11 ms is 1973; 1e11 s is the year 5138).
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return Number.NEGATIVE_INFINITY;
}

function testIdsFrom(value: unknown): unknown {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return [];
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const TEST_IDS_RULE = 'expected a list of test ids, or a JSON string holding one';
const TestIdsSchema = z.preprocess(testIdsFrom, z.array(z.string({ error: TEST_IDS_RULE }), { error: TEST_IDS_RULE }));
const optionalText = z.string().nullable().optional();

/** A PR row as it comes from the dataset (parquet lists or JSON strings, epoch or timestamp dates). */
const RawPrSchema = z.looseObject({
  instance_id: z.string().min(1),
  problem_statement: z.string(),
  patch: z.string(),
  pr_description: optionalText,
  hints_text: optionalText,
  interface: optionalText,
  test_patch: optionalText,
  FAIL_TO_PASS: TestIdsSchema.optional(),
  PASS_TO_PASS: TestIdsSchema.optional(),
  base_commit: optionalText,
  pull_number: z.preprocess(
    (value) => (typeof value === 'bigint' ? Number(value) : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
    z.number().int().nullable().optional(),
  ),
  created_at: z.unknown(),
});

/** The record's `pr` from a dataset row, or why the row cannot be one. Keys always come in the same order. */
export function toPr(value: Record<string, unknown>): { ok: true; pr: Pr } | { ok: false; message: string } {
  const parsed = RawPrSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) return { ok: false, message: formatZodError(parsed.error) };
  const row = parsed.data;
  const pr: Record<string, unknown> = { problem_statement: row.problem_statement };
  const optional = { pr_description: row.pr_description, hints_text: row.hints_text, interface: row.interface } as const;
  for (const [key, field] of Object.entries(optional)) if (field !== undefined) pr[key] = field;
  pr.patch = row.patch;
  if (row.test_patch !== undefined) pr.test_patch = row.test_patch;
  if (row.FAIL_TO_PASS !== undefined) pr.FAIL_TO_PASS = row.FAIL_TO_PASS;
  if (row.PASS_TO_PASS !== undefined) pr.PASS_TO_PASS = row.PASS_TO_PASS;
  if (row.base_commit !== undefined) pr.base_commit = row.base_commit;
  if (row.pull_number !== undefined) pr.pull_number = row.pull_number;
  const createdAt = createdAtText(row.created_at);
  if (createdAt !== undefined) pr.created_at = createdAt;
  pr.files = patchFiles(row.patch);
  return { ok: true, pr: pr as Pr };
}

/** Dates and epoch numbers become ISO 8601 text; text is kept as the dataset wrote it. */
function createdAtText(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value === 'string') return value;
  const millis = createdAtMillis(value);
  return Number.isFinite(millis) ? new Date(millis).toISOString() : String(value);
}
