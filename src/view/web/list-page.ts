import { ACTION_STYLES } from '../../sinks/report/action-style.js';
import { DASH, fixed } from '../../sinks/report/format.js';
import { signed } from '../../sinks/report/gate.js';
import type { TurnIndex, TurnSummary } from '../index/turn-index.js';
import { VIEW_BUCKETS } from '../index/turn-fields.js';
import { PAGE_ROWS, queryParams, type ListQuery, type ListResult } from '../query.js';
import type { GateSummary } from '../source.js';
import { html, type Html } from './html.js';
import { link, page, type PageContext } from './layout.js';

export interface ListPageData {
  query: ListQuery;
  result: ListResult;
  turns: TurnIndex;
  markOf: (id: string) => 'accept' | 'reject' | undefined;
  gate: GateSummary | undefined;
  /** Lines left out while indexing (bad lines). */
  leftOut: number;
}

export const bucketBadge = (bucket: string): Html => html`<span class="badge b-${bucket}">${bucket}</span>`;

export function markBadge(id: string, mark: 'accept' | 'reject' | undefined): Html {
  const label = mark === 'accept' ? 'accepted' : mark === 'reject' ? 'rejected' : 'unmarked';
  return html`<span class="badge m-${mark ?? 'none'}" data-mark-for="${id}">${label}</span>`;
}

export const score = (value: number | null): string => (value === null ? DASH : fixed(value, 1));

export const count = (n: number): string => n.toLocaleString('en-US');

/** A turn's own URL, carrying the list's query so j/k walk the same list. */
export function turnLink(context: PageContext, id: string, query: ListQuery): string {
  return link(context, '/turn', [['id', id], ...queryParams(query, { page: 1 })]);
}

function option(value: string, label: string, selected: string | undefined): Html {
  return html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`;
}

function checkbox(name: string, label: string, checked: boolean): Html {
  return html`<label><input type="checkbox" name="${name}" value="1"${checked ? html` checked` : ''}> ${label}</label>`;
}

function filters(context: PageContext, query: ListQuery): Html {
  return html`<form class="filters" id="filters" method="get" action="/">
<input type="hidden" name="t" value="${context.token}">
<label>search <input type="search" id="q" name="q" value="${query.q}" placeholder="id, instance, repo, replies (/)"></label>
<label>bucket <select name="bucket" id="bucket">${option('', 'any', query.bucket)}${VIEW_BUCKETS.map((b) => option(b, b, query.bucket))}</select></label>
<label>score <input type="number" name="min" min="0" max="100" step="any" value="${query.min ?? ''}" placeholder="min"> to <input type="number" name="max" min="0" max="100" step="any" value="${query.max ?? ''}" placeholder="max"></label>
${checkbox('flips', 'flips', query.flips)}
${checkbox('disagree', 'judges disagree', query.disagree)}
${checkbox('leak', 'leak suspects', query.leak)}
<label>action <select name="action" id="action">${option('', 'any', query.action)}${ACTION_STYLES.map((a) => option(a, a, query.action))}</select></label>
<label>mark <select name="mark" id="mark">${option('', 'any', query.mark)}${option('accept', 'accepted', query.mark)}${option('reject', 'rejected', query.mark)}${option('none', 'unmarked', query.mark)}</select></label>
<label>sort <select name="sort" id="sort">${option('', 'input order', query.sort)}${option('-score', 'score, high first', query.sort)}${option('score', 'score, low first', query.sort)}</select></label>
<button type="submit">apply</button>
<a href="${link(context, '/')}">reset</a>
</form>`;
}

function row(context: PageContext, turn: TurnSummary, query: ListQuery, mark: 'accept' | 'reject' | undefined): Html {
  const href = turnLink(context, turn.id, query);
  return html`<tr data-id="${turn.id}" data-href="${href}">
<td class="num">${turn.ordinal + 1}</td>
<td class="id"><a href="${href}">${turn.id}</a></td>
<td>${turn.repo}</td>
<td class="bucket">${bucketBadge(turn.bucket)}</td>
<td class="num">${score(turn.score)}</td>
<td>${turn.action ?? DASH}</td>
<td class="num">${turn.flips > 0 ? String(turn.flips) : ''}${turn.disagreement ? html` <span class="badge" title="the judges reached different decisions">split</span>` : ''}</td>
<td>${turn.leak ? html`<span class="badge b-leak">leak</span>` : ''}</td>
<td class="num">${turn.tokens > 0 ? count(turn.tokens) : DASH}</td>
<td class="num">${turn.costUsd === undefined ? DASH : `$${turn.costUsd.toFixed(4)}`}</td>
<td>${markBadge(turn.id, mark)}</td>
</tr>`;
}

function gateBanner(gate: GateSummary | undefined): Html {
  if (gate === undefined) return html``;
  const bound = gate.margin_lower_bound === null ? 'no parsed turns' : `margin lower bound ${signed(gate.margin_lower_bound)}`;
  return html`<div class="counts" id="gate">gate <span class="badge b-${gate.verdict}">${gate.verdict.toUpperCase()}</span> <span class="muted">${bound}; mean preference ${fixed(gate.mean_preference, 3)} over ${count(gate.parsed)} parsed of ${count(gate.turns)} turns${gate.reasons.length > 0 ? ` (${gate.reasons.join('; ')})` : ''}</span></div>`;
}

/** The list: filters, counts for the current filter, one page of rows, paging. */
export function listPage(context: PageContext, data: ListPageData): string {
  const { query, result, turns } = data;
  const matching = result.ordinals.length;
  const pages = Math.max(1, Math.ceil(matching / PAGE_ROWS));
  const pageNo = Math.min(query.page, pages);
  const first = (pageNo - 1) * PAGE_ROWS;
  const shown = Array.from(result.ordinals.subarray(first, first + PAGE_ROWS), (ordinal) => turns.summary(ordinal));
  const pageLink = (n: number): string => link(context, '/', queryParams(query, { page: n }));
  const bucketCounts = VIEW_BUCKETS.filter((bucket) => result.buckets[bucket] > 0).map((bucket) => html`${bucketBadge(bucket)} ${count(result.buckets[bucket])}`);
  const body = html`${gateBanner(data.gate)}
${context.readOnly ? html`<div class="banner">Marks cannot be saved: ${context.readOnly} (start td view with --marks FILE).</div>` : ''}
${filters(context, query)}
<div class="counts" id="counts"><strong id="matching">${count(matching)}</strong> <span>of ${count(turns.size)} turns match</span>${data.leftOut > 0 ? html` <span class="muted">(${count(data.leftOut)} bad lines left out, see stderr)</span>` : ''}
<span class="muted">·</span> ${bucketCounts.length > 0 ? bucketCounts.map((b, i) => html`${i > 0 ? ' ' : ''}${b}`) : ''}
<span class="muted">·</span> <span id="mark-counts">accepted ${count(result.marks.accept)}, rejected ${count(result.marks.reject)}, unmarked ${count(result.marks.none)}</span></div>
<table class="turns" id="turns">
<thead><tr><th class="num">#</th><th>id</th><th>repo</th><th>bucket</th><th class="num">score</th><th>action</th><th class="num">flips</th><th>leak</th><th class="num">tokens</th><th class="num">cost</th><th>mark</th></tr></thead>
<tbody>
${shown.map((turn) => row(context, turn, query, data.markOf(turn.id)))}
</tbody>
</table>
${matching === 0 ? html`<p class="muted">No turn matches these filters.</p>` : ''}
<div class="pager">${pageNo > 1 ? html`<a id="page-prev" href="${pageLink(pageNo - 1)}">← previous</a>` : ''}<span>page ${pageNo} of ${pages} (rows ${matching === 0 ? 0 : first + 1}–${first + shown.length})</span>${pageNo < pages ? html`<a id="page-next" href="${pageLink(pageNo + 1)}">next →</a>` : ''}</div>
<p class="help"><kbd>j</kbd>/<kbd>k</kbd> next/previous row · <kbd>Enter</kbd> open · <kbd>/</kbd> search · <kbd>a</kbd> accept · <kbd>r</kbd> reject · <kbd>u</kbd> unmark · on a turn: <kbd>j</kbd>/<kbd>k</kbd> next/previous turn of this list</p>`;
  return page(context, { kind: 'list', title: 'turns', body });
}
