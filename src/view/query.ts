import { z } from 'zod';
import { ACTION_STYLES } from '../sinks/report/action-style.js';
import { formatZodError } from '../core/zod-format.js';
import type { ViewIndex } from './index/build-index.js';
import { searchTerms } from './index/search-file.js';
import { VIEW_BUCKETS, type ViewBucket } from './index/turn-fields.js';

/** Rows on one page of the list. */
export const PAGE_ROWS = 100;

const SCORE_RULE = 'expected a score from 0 to 100';
const optionalNumber = z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : undefined), z.number({ error: SCORE_RULE }).min(0, { error: SCORE_RULE }).max(100, { error: SCORE_RULE }).optional());
const checkbox = z.preprocess((value) => value === '1' || value === 'on' || value === 'true', z.boolean());
const choice = <T extends readonly [string, ...string[]]>(values: T) => z.preprocess((value) => (value === '' ? undefined : value), z.enum(values).optional());

/** The list's filters, sort and page, as the URL carries them (`?bucket=defeat&min=20&q=tokenize&page=2`). */
export const ListQuerySchema = z.object({
  /** Full-text search: every word (or "quoted phrase") must occur in the id, instance, repo or a reply. */
  q: z.string().max(1000, { error: 'expected at most 1000 characters' }).default(''),
  bucket: choice(VIEW_BUCKETS),
  /** Score range, inclusive; a turn without a score never matches a range. */
  min: optionalNumber,
  max: optionalNumber,
  flips: checkbox,
  disagree: checkbox,
  leak: checkbox,
  action: choice(ACTION_STYLES),
  mark: choice(['accept', 'reject', 'none'] as const),
  sort: choice(['score', '-score'] as const),
  page: z.preprocess((value) => (value === undefined || value === '' ? 1 : Number(value)), z.number().int().min(1).max(1_000_000)),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** The keys of the query, in the order links write them. */
export const QUERY_KEYS = ['q', 'bucket', 'min', 'max', 'flips', 'disagree', 'leak', 'action', 'mark', 'sort', 'page'] as const;

export class QueryError extends Error {}

/** Reads the list query from a URL's parameters (the first value of each key; unknown keys are ignored). */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const raw: Record<string, string> = {};
  for (const key of QUERY_KEYS) {
    const value = params.get(key);
    if (value !== null) raw[key] = value;
  }
  const parsed = ListQuerySchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new QueryError(formatZodError(parsed.error));
  return parsed.data;
}

/** The query as URL parameters, without defaults (so links stay short); `page` only past the first. */
export function queryParams(query: ListQuery, overrides: Partial<ListQuery> = {}): Array<[string, string]> {
  const q = { ...query, ...overrides };
  const pairs: Array<[string, string]> = [];
  if (q.q !== '') pairs.push(['q', q.q]);
  if (q.bucket) pairs.push(['bucket', q.bucket]);
  if (q.min !== undefined) pairs.push(['min', String(q.min)]);
  if (q.max !== undefined) pairs.push(['max', String(q.max)]);
  if (q.flips) pairs.push(['flips', '1']);
  if (q.disagree) pairs.push(['disagree', '1']);
  if (q.leak) pairs.push(['leak', '1']);
  if (q.action) pairs.push(['action', q.action]);
  if (q.mark) pairs.push(['mark', q.mark]);
  if (q.sort) pairs.push(['sort', q.sort]);
  if (q.page > 1) pairs.push(['page', String(q.page)]);
  return pairs;
}

/** The turns a query selects, in its order, with counts for the filter bar. */
export interface ListResult {
  /** Ordinals of the matching turns, sorted. */
  ordinals: Int32Array;
  /** Matching turns per bucket. */
  buckets: Record<ViewBucket, number>;
  /** Matching turns per mark. */
  marks: { accept: number; reject: number; none: number };
}

export type MarkLookup = (id: string) => 'accept' | 'reject' | undefined;

const CACHED_RESULTS = 8;

/**
 * Filters, searches and sorts the index. Results are cached per query (without its page), so paging
 * and stepping through turns with j/k cost nothing after the first request; a new mark clears them.
 */
export class TurnQueries {
  private readonly cache = new Map<string, ListResult>();

  constructor(
    private readonly index: ViewIndex,
    private readonly markOf: MarkLookup,
  ) {}

  /** Marks changed: results filtered or counted by mark are stale. */
  marksChanged(): void {
    this.cache.clear();
  }

  async run(query: ListQuery): Promise<ListResult> {
    const key = JSON.stringify(queryParams(query, { page: 1 }));
    const cached = this.cache.get(key);
    if (cached) return cached;
    const result = await this.compute(query);
    this.cache.set(key, result);
    if (this.cache.size > CACHED_RESULTS) this.cache.delete(this.cache.keys().next().value!);
    return result;
  }

  private async compute(query: ListQuery): Promise<ListResult> {
    const turns = this.index.turns;
    const terms = searchTerms(query.q);
    const found = terms.length > 0 ? await this.index.search.search(terms) : undefined;
    const selected: number[] = [];
    const buckets = Object.fromEntries(VIEW_BUCKETS.map((bucket) => [bucket, 0])) as Record<ViewBucket, number>;
    const marks = { accept: 0, reject: 0, none: 0 };
    for (let i = 0; i < turns.size; i++) {
      if (found && found[i] === 0) continue;
      const bucket = turns.bucketAt(i);
      if (query.bucket && bucket !== query.bucket) continue;
      if (query.min !== undefined || query.max !== undefined) {
        const score = turns.scoreAt(i);
        if (Number.isNaN(score) || score < (query.min ?? 0) || score > (query.max ?? 100)) continue;
      }
      if (query.flips && turns.flipsAt(i) === 0) continue;
      if (query.disagree && !turns.disagreementAt(i)) continue;
      if (query.leak && !turns.leakAt(i)) continue;
      if (query.action && turns.actionAt(i) !== query.action) continue;
      const mark = this.markOf(turns.id(i)) ?? 'none';
      if (query.mark && mark !== query.mark) continue;
      selected.push(i);
      buckets[bucket]++;
      marks[mark]++;
    }
    if (query.sort) {
      const sign = query.sort === 'score' ? 1 : -1;
      selected.sort((a, b) => {
        const x = turns.scoreAt(a);
        const y = turns.scoreAt(b);
        // Turns without a score go last either way; ties keep input order.
        if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
        return x === y ? a - b : sign * (x - y);
      });
    }
    return { ordinals: Int32Array.from(selected), buckets, marks };
  }
}
