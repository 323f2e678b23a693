import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildIndex, type ViewIndex } from '../../src/view/index/build-index.js';
import { searchTerms } from '../../src/view/index/search-file.js';
import { ListQuerySchema, parseListQuery, TurnQueries, type ListQuery } from '../../src/view/query.js';
import { resolveSource } from '../../src/view/source.js';
import { jsonl } from '../helpers/records.js';
import { tempDir } from '../helpers/report.js';
import { scoredRecord } from '../helpers/scored.js';
import { testSession } from '../helpers/session.js';
import { viewRecords } from '../helpers/view-records.js';

async function indexOf(records: readonly unknown[], chunkBytes?: number): Promise<ViewIndex> {
  const path = join(tempDir('td-view-q-'), 'in.jsonl');
  writeFileSync(path, jsonl(records));
  const index = await buildIndex(resolveSource(path), { runtime: testSession({ stage: 'view' }).runtime, maxLineBytes: 1 << 24, scratchDir: tempDir('td-view-s-'), ...(chunkBytes ? { chunkBytes } : {}) });
  onTestFinished(() => index.close());
  return index;
}

const query = (overrides: Partial<ListQuery> = {}): ListQuery => ({ ...ListQuerySchema.parse({}), ...overrides });
const ids = (index: ViewIndex, ordinals: Int32Array): string[] => Array.from(ordinals, (i) => index.turns.id(i));

describe('td view list: filters', () => {
  it('filters by bucket, score range, flips, judge disagreement, leak, action and mark, and counts what matches', async () => {
    const records = viewRecords();
    const index = await indexOf(records);
    const marks = new Map<string, 'accept' | 'reject'>([[records[2]!.id, 'accept'], [records[5]!.id, 'reject']]);
    const queries = new TurnQueries(index, (id) => marks.get(id));
    const expectIds = async (q: Partial<ListQuery>, predicate: (r: (typeof records)[number], i: number) => boolean): Promise<void> => {
      const result = await queries.run(query(q));
      expect(ids(index, result.ordinals), JSON.stringify(q)).toEqual(records.filter(predicate).map((r) => r.id));
    };
    const bucket = (score: number | null): string => (score === null ? 'parse-fail' : score >= 80 ? 'final' : score >= 66 ? 'refined' : 'defeat');
    await expectIds({ bucket: 'defeat' }, (r) => bucket(r.score) === 'defeat');
    await expectIds({ bucket: 'parse-fail' }, (r) => r.score === null);
    await expectIds({ min: 50, max: 75 }, (r) => r.score !== null && r.score >= 50 && r.score <= 75);
    await expectIds({ flips: true }, (r) => r.judgement.flips > 0);
    await expectIds({ leak: true }, (r) => (r as { leak?: { suspect: boolean } }).leak?.suspect === true);
    await expectIds({ action: 'edit' }, (r) => r.challenger.includes('sed -i'));
    await expectIds({ mark: 'reject' }, (r) => r.id === records[5]!.id);
    await expectIds({ mark: 'none' }, (r) => !marks.has(r.id));
    await expectIds({ bucket: 'defeat', leak: true, flips: true }, (r) => bucket(r.score) === 'defeat' && r.judgement.flips > 0 && (r as { leak?: { suspect: boolean } }).leak?.suspect === true);
    const split = await queries.run(query({ disagree: true }));
    expect(split.ordinals.length).toBeGreaterThan(0);
    expect(split.ordinals.length).toBeLessThan(records.length);

    const all = await queries.run(query());
    expect(all.ordinals.length).toBe(records.length);
    expect(Object.values(all.buckets).reduce((a, b) => a + b, 0)).toBe(records.length);
    expect(all.buckets.defeat).toBe(records.filter((r) => bucket(r.score) === 'defeat').length);
    expect(all.marks).toEqual({ accept: 1, reject: 1, none: records.length - 2 });
  });

  it('recounts after a mark changes', async () => {
    const records = viewRecords();
    const index = await indexOf(records);
    const marks = new Map<string, 'accept' | 'reject'>();
    const queries = new TurnQueries(index, (id) => marks.get(id));
    expect((await queries.run(query({ mark: 'reject' }))).ordinals.length).toBe(0);
    marks.set(records[0]!.id, 'reject');
    queries.marksChanged();
    expect(ids(index, (await queries.run(query({ mark: 'reject' }))).ordinals)).toEqual([records[0]!.id]);
  });

  it('sorts by score either way, turns without a score last, ties in input order', async () => {
    const scores = [50, null, 90, 50, 10, null, 90];
    const index = await indexOf(scores.map((score, i) => scoredRecord({ index: i, score })));
    const queries = new TurnQueries(index, () => undefined);
    const order = async (sort: ListQuery['sort']): Promise<number[]> => Array.from((await queries.run(query({ sort }))).ordinals);
    expect(await order('-score')).toEqual([2, 6, 0, 3, 4, 1, 5]);
    expect(await order('score')).toEqual([4, 0, 3, 2, 6, 1, 5]);
    expect(await order(undefined)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('reads its query from the URL and says what is wrong', () => {
    expect(parseListQuery(new URLSearchParams('bucket=defeat&min=&max=70&flips=1&page=3&t=x&other=y'))).toEqual({
      q: '',
      bucket: 'defeat',
      min: undefined,
      max: 70,
      flips: true,
      disagree: false,
      leak: false,
      action: undefined,
      mark: undefined,
      sort: undefined,
      page: 3,
    });
    expect(() => parseListQuery(new URLSearchParams('min=lots'))).toThrow('min: expected a score from 0 to 100, got NaN (number)');
    expect(() => parseListQuery(new URLSearchParams('max=101'))).toThrow('max: expected a score from 0 to 100, got 101 (number)');
    expect(() => parseListQuery(new URLSearchParams('page=0'))).toThrow('page: expected a number at least 1');
  });
});

describe('td view list: full-text search', () => {
  const plain = { king: 'THOUGHT: look.\n\n```bash\npwd\n```', challenger: 'THOUGHT: look again.\n\n```bash\npwd\n```' };
  const records = [
    scoredRecord({ index: 0, ...plain, challenger: 'THOUGHT: Read TOKENIZE_LINE.\n\n```bash\ncat src/parser.py\n```' }),
    scoredRecord({ index: 1, ...plain, king: 'THOUGHT: Übersetzung prüfen.\n\n```bash\ngrep -rn übersetzung src\n```' }),
    scoredRecord({ index: 2, ...plain, challenger: 'THOUGHT: tokenize\n\n```bash\nls\n```' }),
    { ...scoredRecord({ index: 3, ...plain }), instance_id: 'zeta__line-9', repo: 'zeta/line' },
    scoredRecord({ index: 4, ...plain, challenger: 'THOUGHT: ends with token' }),
    scoredRecord({ index: 5, ...plain, challenger: 'ize_line starts here' }),
  ];

  it('finds every word in the id, instance, repo or a reply, case-insensitively; phrases in quotes', async () => {
    for (const chunkBytes of [undefined, 200]) {
      const index = await indexOf(records, chunkBytes);
      const search = async (q: string): Promise<number[]> => Array.from((await new TurnQueries(index, () => undefined).run(query({ q }))).ordinals);
      expect(await search('tokenize_line')).toEqual([0]);
      expect(await search('TOKENIZE')).toEqual([0, 2]);
      expect(await search('ÜBERSETZUNG')).toEqual([1]);
      expect(await search('zeta/line')).toEqual([3]);
      expect(await search('zeta__line-9')).toEqual([3]);
      expect(await search(':3:t4')).toEqual([3]);
      expect(await search('tokenize ls')).toEqual([2]);
      expect(await search('"read tokenize_line"')).toEqual([0]);
      expect(await search('"tokenize_line. read"')).toEqual([]);
      // No match spans two turns: "token" ends turn 4 and "ize_line" starts turn 5.
      expect(await search('tokenize_line')).not.toContain(4);
      expect(await search('nothing-like-this')).toEqual([]);
      expect(await search('   ')).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('splits a query into words and quoted phrases', () => {
    expect(searchTerms('  Foo "Bar baz"  qux ""')).toEqual(['foo', 'bar baz', 'qux']);
  });

  it('searches turns whose texts are larger than its read buffer', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => scoredRecord({ index: i, challenger: `THOUGHT: turn ${i} ${'filler '.repeat(600)}\n\n\`\`\`bash\necho needle-${i % 500 === 499 ? 'rare' : 'common'}\n\`\`\`` }));
    const index = await indexOf(many);
    const found = await new TurnQueries(index, () => undefined).run(query({ q: 'needle-rare' }));
    expect(Array.from(found.ordinals)).toEqual([499, 999, 1499]);
  });
});
