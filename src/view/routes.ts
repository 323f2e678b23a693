import { z } from 'zod';
import type { Logger } from '../core/logger.js';
import { errorMessage } from '../core/td-error.js';
import { fileErrorReason } from '../core/file-error.js';
import { formatZodError } from '../core/zod-format.js';
import { MARK_VALUES } from '../sinks/report/marks.js';
import { StaleIndexError, type ViewIndex } from './index/build-index.js';
import type { MarksStore } from './marks-store.js';
import { parseListQuery, QueryError, type ListQuery, type TurnQueries } from './query.js';
import { text, type Route, type Routes, type ViewRequest, type ViewResponse } from './server/http-server.js';
import type { GateSummary } from './source.js';
import { staticAssets } from './web/assets.js';
import { errorPage, type PageContext } from './web/layout.js';
import { listPage } from './web/list-page.js';
import { turnPage } from './web/turn-page.js';

export interface ViewParts {
  index: ViewIndex;
  marks: MarksStore;
  queries: TurnQueries;
  context: PageContext;
  gate: GateSummary | undefined;
  /** Lines left out while indexing. */
  leftOut: number;
  log: Logger;
}

/** A mark as the page posts it; without `note` the turn's earlier note is kept. */
const MarkRequestSchema = z.object({
  id: z.string().min(1).max(10_000),
  mark: z.enum(MARK_VALUES),
  note: z.string().max(10_000, { error: 'expected a note of at most 10000 characters' }).optional(),
});

const htmlPage = (status: number, body: string): ViewResponse => ({ status, type: 'text/html; charset=utf-8', body });
const json = (status: number, value: unknown): ViewResponse => ({ status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) + '\n' });

/** td view's pages and its one write, by exact path. */
export function viewRoutes(parts: ViewParts): Routes {
  const { index, marks, queries, context } = parts;

  const withQuery = (request: ViewRequest, render: (query: ListQuery) => Promise<ViewResponse>): Promise<ViewResponse> => {
    let query: ListQuery;
    try {
      query = parseListQuery(request.params);
    } catch (error) {
      if (error instanceof QueryError) return Promise.resolve(htmlPage(400, errorPage(context, 'bad filter', error.message)));
      throw error;
    }
    return render(query);
  };

  const ordinalOf = (request: ViewRequest): number | undefined => {
    const id = request.params.get('id');
    return id === null ? undefined : index.turns.ordinalOf(id);
  };

  const notFound = (request: ViewRequest): ViewResponse =>
    htmlPage(404, errorPage(context, 'no such turn', `No turn with id ${JSON.stringify(request.params.get('id') ?? '')} in this index.`));

  const list: Route = (request) =>
    withQuery(request, async (query) => {
      const result = await queries.run(query);
      return htmlPage(200, listPage(context, { query, result, turns: index.turns, markOf: (id) => marks.markOf(id), gate: parts.gate, leftOut: parts.leftOut }));
    });

  const turn: Route = (request) =>
    withQuery(request, async (query) => {
      const ordinal = ordinalOf(request);
      if (ordinal === undefined) return notFound(request);
      const result = await queries.run(query);
      const at = result.ordinals.indexOf(ordinal);
      const neighbour = (i: number): string | undefined => (at >= 0 && i >= 0 && i < result.ordinals.length ? index.turns.id(result.ordinals[i]!) : undefined);
      try {
        const opened = await index.read(ordinal);
        const summary = index.turns.summary(ordinal);
        const position = { at, of: result.ordinals.length, previous: neighbour(at - 1), next: neighbour(at + 1) };
        return htmlPage(200, turnPage(context, { turn: summary, opened, query, position, mark: marks.get(summary.id) }));
      } catch (error) {
        if (error instanceof StaleIndexError) return htmlPage(409, errorPage(context, 'the file changed', error.message));
        throw error;
      }
    });

  const raw: Route = async (request) => {
    const ordinal = ordinalOf(request);
    if (ordinal === undefined) return notFound(request);
    try {
      return json(200, (await index.read(ordinal)).record);
    } catch (error) {
      if (error instanceof StaleIndexError) return text(409, error.message);
      throw error;
    }
  };

  const mark: Route = (request) => {
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch (error) {
      return text(400, `td view: invalid JSON: ${errorMessage(error)}`);
    }
    const parsed = MarkRequestSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) return text(400, `td view: ${formatZodError(parsed.error)}`);
    const { id, mark: value } = parsed.data;
    if (!index.turns.has(id)) return text(404, `td view: no turn with id ${JSON.stringify(id)} in this index`);
    if (marks.readOnlyReason) return text(409, `td view: marks cannot be saved: ${marks.readOnlyReason}`);
    let saved;
    try {
      saved = marks.set(id, value, parsed.data.note ?? marks.get(id)?.note ?? '');
    } catch (error) {
      parts.log.warn(`cannot write ${marks.path}: ${fileErrorReason(error)}`);
      return text(500, `td view: cannot write ${marks.path}: ${fileErrorReason(error)}`);
    }
    queries.marksChanged();
    parts.log.info(`${value === 'clear' ? 'unmarked' : value === 'accept' ? 'accepted' : 'rejected'} ${id}`);
    return json(200, saved);
  };

  const assets = new Map<string, Route>([...staticAssets()].map(([path, response]) => [path, () => response]));
  return {
    GET: new Map<string, Route>([['/', list], ['/turn', turn], ['/raw', raw], ...assets]),
    POST: new Map<string, Route>([['/api/marks', mark]]),
  };
}
