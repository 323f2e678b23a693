import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asJsonTextPr, fixturePrs, fixtureTrajectories } from './fixture-rows.js';
import { PR_COLUMNS, PR_COLUMNS_JSON_TEXT, TRAJECTORY_COLUMNS, writeParquet } from './parquet-writer.js';

/** Rows per row group in the fixtures: tiny, so that even these few rows span several groups to prune. */
export const FIXTURE_ROW_GROUP_ROWS = 8;
/** Trajectories in the first fixture file; the rest go to the second. */
export const FIXTURE_FIRST_FILE_ROWS = 32;

/** The fixture files, relative to the fixtures directory. */
export const FIXTURE_FILES = {
  trajectories: ['trajectories/train-00000-of-00002.parquet', 'trajectories/train-00001-of-00002.parquet'],
  prs: ['prs/train-00000-of-00002.parquet', 'prs/train-00001-of-00002.parquet'],
  prsJsonText: ['prs-json-text/train-00000-of-00001.parquet'],
} as const;

/**
 * Writes the fixture set under `root`:
 * - `trajectories/`: SWE-ZERO-12M rows in two files (the second has an extra column, as real shards may);
 * - `prs/`: SWE-rebench-V2-PRs rows in two files, with repeated instance ids;
 * - `prs-json-text/`: the same PRs with test lists as JSON text and created_at as epoch milliseconds.
 */
export async function writeFixtureSet(root: string): Promise<string[]> {
  const trajectories = fixtureTrajectories();
  const [firstPrs, secondPrs] = fixturePrs();
  const [t0, t1] = FIXTURE_FILES.trajectories;
  const [p0, p1] = FIXTURE_FILES.prs;
  await writeParquet(resolve(root, t0), TRAJECTORY_COLUMNS, trajectories.slice(0, FIXTURE_FIRST_FILE_ROWS), FIXTURE_ROW_GROUP_ROWS);
  const withExtra = trajectories.slice(FIXTURE_FIRST_FILE_ROWS).map((row, i) => ({ ...row, reviewer_note: i % 2 === 0 ? 'extra column td ignores' : null }));
  await writeParquet(resolve(root, t1), { ...TRAJECTORY_COLUMNS, reviewer_note: 'VARCHAR' }, withExtra, FIXTURE_ROW_GROUP_ROWS);
  await writeParquet(resolve(root, p0), PR_COLUMNS, firstPrs, 4);
  await writeParquet(resolve(root, p1), PR_COLUMNS, secondPrs, 4);
  await writeParquet(resolve(root, FIXTURE_FILES.prsJsonText[0]), PR_COLUMNS_JSON_TEXT, [...firstPrs, ...secondPrs].map(asJsonTextPr), 4);
  return [...FIXTURE_FILES.trajectories, ...FIXTURE_FILES.prs, ...FIXTURE_FILES.prsJsonText].map((file) => resolve(root, file));
}

// `npm run fixtures [-- DIR]`: (re)writes the committed fixtures, or a copy elsewhere.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? fileURLToPath(new URL('../../fixtures', import.meta.url)));
  const written = await writeFixtureSet(root);
  process.stderr.write(`fixtures: wrote ${written.length} files under ${root}\n`);
}
