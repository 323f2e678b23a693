import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** A synthetic SWE-ZERO-like set for benchmarks: the real layout, small messages, many rows. */
export interface BenchSetOptions {
  files: number;
  rowsPerFile: number;
  /**
   * Rows per parquet row group. 1000 is what the Hugging Face `datasets` library writes by default
   * (its writer batch size), which is how the real shards were most likely written. @default 1000
   */
  rowGroupRows?: number;
  /** Rollouts per PR: rows of one PR sit next to each other, as in SWE-ZERO-12M. @default 100 */
  rolloutsPerPr?: number;
}

export interface BenchSet {
  trajectories: string;
  prs: string;
  rows: number;
  files: string[];
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Writes (or reuses, when the same options were written before) `dir/trajectories/*.parquet` and
 * `dir/prs/train-00000-of-00001.parquet`. Generated in SQL so a million rows take seconds. Every 50th
 * PR is missing from the PR table, so the sample also exercises its no-pr skips.
 */
export async function writeBenchSet(dir: string, options: BenchSetOptions): Promise<BenchSet> {
  const rowGroupRows = options.rowGroupRows ?? 1000;
  const perPr = options.rolloutsPerPr ?? 100;
  const manifest = JSON.stringify({ version: 1, ...options, rowGroupRows, perPr });
  const names = Array.from({ length: options.files }, (_, f) => `train-${String(f).padStart(5, '0')}-of-${String(options.files).padStart(5, '0')}.parquet`);
  const result: BenchSet = {
    trajectories: join(dir, 'trajectories', '*.parquet'),
    prs: join(dir, 'prs', '*.parquet'),
    rows: options.files * options.rowsPerFile,
    files: names.map((name) => join(dir, 'trajectories', name)),
  };
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath) && readFileSync(manifestPath, 'utf8') === manifest) return result;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'trajectories'), { recursive: true });
  mkdirSync(join(dir, 'prs'), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  try {
    for (const [f, name] of names.entries()) {
      const base = f * options.rowsPerFile;
      // One UNION ALL piece per row group: DuckDB closes a row group at the end of each piece.
      const pieces: string[] = [];
      for (let start = 0; start < options.rowsPerFile; start += rowGroupRows) {
        const end = Math.min(options.rowsPerFile, start + rowGroupRows);
        pieces.push(`
          SELECT 'bench__repo-' || (i // ${perPr}) AS instance_id, 'bench/repo' AS repo,
            list_concat(
              [{'role': 'system', 'content': 'You are a helpful assistant. Reply with THOUGHT and one bash block.'},
               {'role': 'user', 'content': 'Please solve issue ' || (i // ${perPr}) || ' in bench/repo.'}],
              flatten(list_transform(range(1 + (hash(i) % 8)::INTEGER), k -> [
                {'role': 'assistant', 'content': 'THOUGHT: step ' || k || ' ' || md5(i::VARCHAR || '/' || k) || E'\\n\\n\`\`\`bash\\ncat src/f' || k || E'.py\\n\`\`\`\\n'},
                {'role': 'user', 'content': 'Observation: ' || md5(k::VARCHAR || '/' || i) || E'\\nREADME.md\\n'}]))) AS messages,
            'mini-swe-agent-1' AS trajectory_format,
            CASE WHEN i % 3 = 0 THEN 'Submitted' ELSE 'incomplete' END AS exit_status,
            (i % 1000) / 10.0 AS duration_sec
          FROM range(${base + start}, ${base + end}) t(i)`);
      }
      await connection.run(`COPY (${pieces.join(' UNION ALL ')}) TO ${quote(join(dir, 'trajectories', name))} (FORMAT parquet, ROW_GROUP_SIZE ${rowGroupRows})`);
    }
    const prs = Math.ceil(result.rows / perPr);
    await connection.run(`COPY (
      SELECT 'bench__repo-' || p AS instance_id, 'bench/repo' AS repo, p AS pull_number, md5(p::VARCHAR) || '01234567' AS base_commit,
        TIMESTAMP '2024-01-01' + to_seconds(p) AS created_at, 'MIT' AS license,
        'Issue ' || p || ': the parser drops the last token.' AS problem_statement, 'Fix #' || p AS pr_description, '' AS hints_text, '' AS interface,
        'diff --git a/src/f' || (p % 7) || '.py b/src/f' || (p % 7) || E'.py\\n--- a/x\\n+++ b/x\\n@@ -1 +1 @@\\n-a\\n+b\\n' AS patch,
        '' AS test_patch, ['tests/test_' || p || '.py::test_fix'] AS FAIL_TO_PASS, []::VARCHAR[] AS PASS_TO_PASS
      FROM range(${prs}) t(p) WHERE p % 50 <> 49) TO ${quote(join(dir, 'prs', 'train-00000-of-00001.parquet'))} (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  writeFileSync(manifestPath, manifest);
  return result;
}
