import type { Judgement } from '../../contract/judgement.js';
import type { Message } from '../../contract/message.js';
import type { Pr } from '../../contract/pr.js';
import type { Mark } from '../../sinks/report/marks.js';
import type { OpenedTurn } from '../index/build-index.js';
import type { TurnSummary } from '../index/turn-index.js';
import { queryParams, type ListQuery } from '../query.js';
import { html, type Html } from './html.js';
import { link, page, type PageContext } from './layout.js';
import { bucketBadge, count, markBadge, score, turnLink } from './list-page.js';
import { sideBySide, type DuelSide } from './reply-view.js';
import { answersSection, historySection, metaSection, prSection, taskSection, verdictsSection } from './turn-sections.js';

export interface TurnPageData {
  turn: TurnSummary;
  opened: OpenedTurn;
  query: ListQuery;
  /** Where the turn is in the list the query selects (-1 when the filters leave it out), and its neighbours' ids. */
  position: { at: number; of: number; previous: string | undefined; next: string | undefined };
  mark: Mark | undefined;
}

/** The pair shown side by side: the challenger against its opponent, or the king against the reference before a challenger exists. */
function duelSides(record: Record<string, any>): { left: DuelSide; right: DuelSide } | undefined {
  const challenger = typeof record.challenger === 'string' ? record.challenger : undefined;
  const king = typeof record.king === 'string' ? record.king : undefined;
  const reference = record.assistant as string;
  if (challenger !== undefined) {
    const againstReference = record.judgement?.against === 'reference' || king === undefined;
    return {
      left: againstReference ? { label: "reference (the dataset's own turn)", reply: reference } : { label: 'king (blind)', reply: king },
      right: { label: 'challenger (saw the PR)', reply: challenger },
    };
  }
  if (king !== undefined) return { left: { label: "reference (the dataset's own turn)", reply: reference }, right: { label: 'king (blind)', reply: king } };
  return undefined;
}

function reviewPanel(context: PageContext, turn: TurnSummary, mark: Mark | undefined): Html {
  const disabled = context.readOnly ? html` disabled title="${context.readOnly}"` : '';
  return html`<div class="review" id="review" data-id="${turn.id}">
<div>${markBadge(turn.id, mark?.mark === 'accept' || mark?.mark === 'reject' ? mark.mark : undefined)}</div>
<div class="buttons"><button type="button" data-mark="accept"${disabled}>accept <kbd>a</kbd></button><button type="button" data-mark="reject"${disabled}>reject <kbd>r</kbd></button><button type="button" data-mark="clear"${disabled}>unmark <kbd>u</kbd></button>
<span class="status" id="mark-status">${mark?.at ? `marked ${mark.at}` : context.readOnly ? `marks cannot be saved: ${context.readOnly}` : `saved to ${context.marksFile}`}</span></div>
<label for="note" class="muted">note</label><textarea id="note" name="note" maxlength="10000" placeholder="why (optional; saved with the mark)"${disabled}>${mark?.note ?? ''}</textarea>
</div>`;
}

function navigation(context: PageContext, data: TurnPageData): Html {
  const { position, query } = data;
  const back = link(context, '/', queryParams(query));
  return html`<nav class="turn-nav"><a id="back" href="${back}">← list</a>
${position.previous !== undefined ? html`<a id="prev" href="${turnLink(context, position.previous, query)}">← previous <kbd>k</kbd></a>` : html`<span class="muted">first</span>`}
${position.next !== undefined ? html`<a id="next" href="${turnLink(context, position.next, query)}">next <kbd>j</kbd> →</a>` : html`<span class="muted">last</span>`}
<span class="muted">${position.at >= 0 ? `${count(position.at + 1)} of ${count(position.of)} in this list` : 'not in the current list (its filters leave it out)'}</span>
<a href="${link(context, '/raw', [['id', data.turn.id]])}">raw record</a></nav>`;
}

/**
 * A turn: facts and the reviewer's mark, what the turn answers, the duel side by side, the verdicts
 * (what a reviewer decides on, first), then the reference turn, task, history, the PR and meta.
 */
export function turnPage(context: PageContext, data: TurnPageData): string {
  const { turn, opened } = data;
  const record = opened.record as Record<string, any>;
  const leakTokens: string[] = Array.isArray(record.leak?.tokens) ? record.leak.tokens.filter((t: unknown): t is string => typeof t === 'string') : [];
  const sides = duelSides(record);
  const judgement = opened.stage === 'scored' ? (record.judgement as Judgement) : undefined;
  const body = html`${navigation(context, data)}
<h1 id="turn-id">${turn.id}</h1>
<div class="facts">${bucketBadge(turn.bucket)} <span>score <strong>${score(turn.score)}</strong></span> <span class="muted">${turn.repo} · ${turn.instanceId} · turn ${String(record.turn)} · ${opened.stage} record</span>
${turn.action ? html`<span class="badge">${turn.action}</span>` : ''}${turn.flips > 0 ? html` <span class="badge">${turn.flips} flip${turn.flips > 1 ? 's' : ''}</span>` : ''}${turn.disagreement ? html` <span class="badge">judges disagree</span>` : ''}${turn.leak ? html` <span class="badge b-leak">leak suspect</span>` : ''}</div>
${reviewPanel(context, turn, data.mark)}
${answersSection(record.messages as Message[])}
${sides ? html`<section id="side-by-side"><h2>${sides.left.label.split(' ')[0]} vs ${sides.right.label.split(' ')[0]}</h2>
${leakTokens.length > 0 ? html`<p class="leak-tokens">leak suspects (in the hidden PR, nowhere in the history): ${leakTokens.map((token, i) => html`${i > 0 ? ', ' : ''}<mark class="leak">${token}</mark>`)}</p>` : ''}
${sideBySide(sides.left, sides.right, leakTokens)}</section>` : ''}
${judgement ? verdictsSection(judgement, turn.score) : ''}
<section id="reference"><h2>Reference turn <span class="muted">(the dataset's own next message)</span></h2><pre>${record.assistant as string}</pre></section>
${taskSection(record.messages as Message[])}
${historySection(record.messages as Message[])}
${prSection(record.pr as Pr, leakTokens)}
${metaSection(record.meta, record.source)}`;
  return page(context, { kind: 'turn', title: turn.id, body });
}

