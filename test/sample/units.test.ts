import { describe, expect, it } from 'vitest';
import { parseDatasetUri } from '../../src/sources/sample/dataset-uri.js';
import { globToRegExp, splitGlob } from '../../src/sources/sample/glob.js';
import { patchFiles } from '../../src/sources/sample/patch-files.js';
import { createdAtMillis } from '../../src/sources/sample/pr-table.js';
import { Sfc32, hash32, seedFromKey, seededRandom } from '../../src/core/seeded-random.js';
import { eligibleTurns } from '../../src/sources/sample/trajectory.js';
import { RowSpace, WindowDraw } from '../../src/sources/sample/windows.js';

describe('seeded randomness', () => {
  it('repeats the same draws for the same key and differs for another key', () => {
    const draws = (key: string) => Array.from({ length: 8 }, ((random) => () => random.below(1_000_000))(new Sfc32(key)));
    expect(draws('a')).toEqual(draws('a'));
    expect(draws('a')).not.toEqual(draws('b'));
  });

  it('pins the draws and the shard hash: the same arguments give the same sample on any machine', () => {
    const random = new Sfc32('a');
    expect(Array.from({ length: 8 }, () => random.below(1_000_000))).toEqual([766347, 351736, 819527, 219283, 191912, 530078, 932335, 455444]);
    expect(hash32('train-0.parquet:17')).toBe(2262480833);
    expect(hash32('train-1.parquet:17')).toBe(434255897);
  });

  it('derives the bootstrap seeds from the same key digest, and offers the bootstrap generator from the same module', () => {
    expect(seedFromKey('td-judge-bootstrap/1:r1')).toBe(1603629309);
    const random = seededRandom(1);
    expect([random(), random()]).toEqual([0.6270739405881613, 0.002735721180215478]);
  });

  it('draws integers inside [0, bound), covering the range, for small and 53-bit bounds', () => {
    const random = new Sfc32('range');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = random.below(7);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(7);
      seen.add(x);
    }
    expect(seen.size).toBe(7);
    for (let i = 0; i < 100; i++) expect(random.below(2 ** 40 + 3)).toBeLessThan(2 ** 40 + 3);
    expect(() => random.below(0)).toThrow('Expected `bound` to be a safe integer from 1 and up, got `0`');
  });

  it('picks k distinct items in ascending order, or all when there are fewer', () => {
    const random = new Sfc32('pick');
    const items = [2, 4, 6, 8, 10, 12];
    for (let i = 0; i < 50; i++) {
      const picked = random.pick(items, 3);
      expect(new Set(picked).size).toBe(3);
      expect([...picked].sort((a, b) => a - b)).toEqual(picked);
      for (const item of picked) expect(items).toContain(item);
    }
    expect(random.pick(items, 10)).toEqual(items);
  });
});

describe('windows over rows', () => {
  it('maps global rows to files, skipping empty files', () => {
    const space = new RowSpace([3, 0, 2]);
    expect(space.total).toBe(5);
    expect([0, 2, 3, 4].map((g) => space.locate(g))).toEqual([
      { file: 0, row: 0 },
      { file: 0, row: 2 },
      { file: 2, row: 0 },
      { file: 2, row: 1 },
    ]);
  });

  it('never draws a row twice, wraps past the end, and ends when every row is drawn', () => {
    const draw = new WindowDraw(new RowSpace([10, 7]), 1, 4);
    const seen: number[] = [];
    let windows = 0;
    while (!draw.exhausted) {
      const rows = draw.next();
      windows++;
      // A window's new rows lie within 4 consecutive rows modulo the total (it may wrap to row 0).
      if (rows.length > 0) expect((rows.at(-1)! - rows[0]! + 17) % 17).toBeLessThan(4);
      seen.push(...rows);
    }
    expect(seen.length).toBe(17);
    expect(new Set(seen).size).toBe(17);
    expect(windows).toBeGreaterThanOrEqual(5);
    expect(draw.next()).toEqual([]);
  });
});

describe('target turns', () => {
  it('are assistant messages at index >= 2 that answer a user message', () => {
    const m = (role: 'system' | 'user' | 'assistant') => ({ role, content: '' });
    expect(eligibleTurns([m('system'), m('user'), m('assistant'), m('user'), m('assistant')])).toEqual([2, 4]);
    expect(eligibleTurns([m('system'), m('assistant'), m('user'), m('user')])).toEqual([]);
    expect(eligibleTurns([m('system'), m('user'), m('assistant'), m('assistant')])).toEqual([2]);
  });
});

describe('dataset URIs', () => {
  it('parses hf:// URIs with an optional revision and a glob', () => {
    expect(parseDatasetUri('hf://datasets/AlienKevin/SWE-ZERO-12M-trajectories/data/*.parquet')).toEqual({
      kind: 'hub',
      uri: 'hf://datasets/AlienKevin/SWE-ZERO-12M-trajectories/data/*.parquet',
      repo: 'AlienKevin/SWE-ZERO-12M-trajectories',
      base: 'data',
      pattern: '*.parquet',
    });
    expect(parseDatasetUri('hf://datasets/nebius/SWE-rebench-V2-PRs@refs%2Fconvert%2Fparquet/default/train/0000.parquet')).toMatchObject({
      repo: 'nebius/SWE-rebench-V2-PRs',
      revision: 'refs/convert/parquet',
      base: 'default/train',
      pattern: '0000.parquet',
    });
    expect(parseDatasetUri('hf://datasets/o/n@v1.0')).toMatchObject({ repo: 'o/n', revision: 'v1.0', base: '', pattern: '**' });
    expect(parseDatasetUri('hf://datasets/o/n/data')).toMatchObject({ base: 'data', pattern: '**' });
  });

  it('says what it expected for a malformed URI', () => {
    expect(() => parseDatasetUri('hf://models/o/n/x.parquet')).toThrow(
      'expected hf://datasets/OWNER/NAME[@REVISION]/PATH (PATH may use * and **), got "hf://models/o/n/x.parquet"',
    );
    expect(() => parseDatasetUri('s3://bucket/x.parquet')).toThrow('expected a local path or an hf:// URI, got "s3://bucket/x.parquet"');
  });

  it('splits local globs at the first wildcard and matches within or across directories', () => {
    expect(splitGlob('data/sub/train-*.parquet')).toEqual({ base: 'data/sub', pattern: 'train-*.parquet' });
    expect(splitGlob('mirror/*/x.parquet')).toEqual({ base: 'mirror', pattern: '*/x.parquet' });
    expect(globToRegExp('*.parquet').test('a.parquet')).toBe(true);
    expect(globToRegExp('*.parquet').test('sub/a.parquet')).toBe(false);
    expect(globToRegExp('**/*.parquet').test('a.parquet')).toBe(true);
    expect(globToRegExp('**/*.parquet').test('x/y/a.parquet')).toBe(true);
    expect(globToRegExp('train-0000[0-2].parquet').test('train-00001.parquet')).toBe(true);
    expect(globToRegExp('train-0000[0-2].parquet').test('train-00003.parquet')).toBe(false);
    expect(globToRegExp('a+b(1).parquet').test('a+b(1).parquet')).toBe(true);
  });
});

describe('changed files from a patch', () => {
  it('takes the new path of every diff --git header, once each, in order', () => {
    const patch = [
      'diff --git a/src/a.py b/src/a.py',
      '--- a/src/a.py',
      '+++ b/src/a.py',
      'diff --git a/docs/user guide.md b/docs/user guide.md',
      'diff --git a/old/name.go b/new/name.go',
      'rename from old/name.go',
      'diff --git "a/tab\\there.txt" "b/tab\\there.txt"',
      'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"\r',
      'diff --git a/src/a.py b/src/a.py',
      ' diff --git a/not/a/header b/not/a/header',
    ].join('\n');
    expect(patchFiles(patch)).toEqual(['src/a.py', 'docs/user guide.md', 'new/name.go', 'tab\there.txt', 'café.txt']);
    expect(patchFiles('')).toEqual([]);
  });
});

describe('created_at of a PR row', () => {
  it('compares timestamps, epoch seconds or milliseconds and ISO text on one scale', () => {
    const iso = '2020-12-30T03:14:33.000Z';
    const ms = Date.parse(iso);
    expect(createdAtMillis(new Date(iso))).toBe(ms);
    expect(createdAtMillis(BigInt(ms))).toBe(ms);
    expect(createdAtMillis(ms / 1000)).toBe(ms);
    expect(createdAtMillis(String(ms))).toBe(ms);
    expect(createdAtMillis(iso)).toBe(ms);
    expect(createdAtMillis(null)).toBe(Number.NEGATIVE_INFINITY);
    expect(createdAtMillis('not a date')).toBe(Number.NEGATIVE_INFINITY);
  });
});
