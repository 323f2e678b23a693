import { escapeRegExp, firstBashBlock } from '../../contract/agent-protocol.js';
import { html, Html } from './html.js';
import { wordDiff, type DiffPart } from './word-diff.js';

/** A reply as the agent's protocol reads it: the THOUGHT before the first bash block, the command, and anything after. */
export interface ReplyParts {
  thought: string;
  /** Undefined when the reply has no bash block (the format gate would reject it). */
  command: string | undefined;
  rest: string;
}

export function replyParts(reply: string): ReplyParts {
  const block = firstBashBlock(reply);
  if (block === undefined) return { thought: reply.trim(), command: undefined, rest: '' };
  return { thought: reply.slice(0, block.index).trim(), command: block.command, rest: reply.slice(block.index + block.block.length).trim() };
}

/** Character ranges of the leak tokens in `text`, as whole tokens (the leak check's boundary), merged. */
export function leakRanges(text: string, tokens: readonly string[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const token of tokens) {
    if (token === '' || !text.includes(token)) continue;
    for (const match of text.matchAll(new RegExp(`(?<![\\w])${escapeRegExp(token)}(?![\\w])`, 'g'))) ranges.push([match.index, match.index + token.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

/** `text` from `from` to `to` with the parts inside leak ranges wrapped in `<mark class="leak">`. */
function withLeaks(text: string, from: number, to: number, ranges: ReadonlyArray<[number, number]>): Html {
  const pieces: Html[] = [];
  let at = from;
  for (const [start, end] of ranges) {
    if (end <= at || start >= to) continue;
    if (start > at) pieces.push(html`${text.slice(at, start)}`);
    const stop = Math.min(end, to);
    pieces.push(html`<mark class="leak" title="leak suspect: only the hidden PR shows this">${text.slice(Math.max(start, at), stop)}</mark>`);
    at = stop;
  }
  if (at < to) pieces.push(html`${text.slice(at, to)}`);
  return html`${pieces}`;
}

/** Text with its leak tokens highlighted. */
export function highlighted(text: string, leakTokens: readonly string[]): Html {
  return withLeaks(text, 0, text.length, leakRanges(text, leakTokens));
}

/** One side of a diff: its own changes in `<del>` (left) or `<ins>` (right), leak tokens marked across parts. */
export function diffSide(parts: readonly DiffPart[], side: 'delete' | 'insert', leakTokens: readonly string[]): Html {
  const own = parts.filter((part) => part.op === 'equal' || part.op === side);
  const text = own.map((part) => part.text).join('');
  const ranges = leakRanges(text, leakTokens);
  const pieces: Html[] = [];
  let at = 0;
  for (const part of own) {
    const inner = withLeaks(text, at, at + part.text.length, ranges);
    at += part.text.length;
    if (part.op === 'equal') pieces.push(inner);
    else if (side === 'delete') pieces.push(html`<del>${inner}</del>`);
    else pieces.push(html`<ins>${inner}</ins>`);
  }
  return html`${pieces}`;
}

export interface DuelSide {
  label: string;
  reply: string;
}

/** Two texts side by side with their word diff, or each plain when they differ too much to diff. */
function diffRow(title: string, left: string | undefined, right: string | undefined, leakTokens: readonly string[], kind: 'thought' | 'command'): Html {
  const cell = (content: Html | undefined): Html =>
    content === undefined ? html`<div class="cell missing">no bash block</div>` : html`<div class="cell"><pre class="${kind}">${content}</pre></div>`;
  const parts = left !== undefined && right !== undefined ? wordDiff(left, right) : undefined;
  const leftHtml = left === undefined ? undefined : parts ? diffSide(parts, 'delete', leakTokens) : highlighted(left, leakTokens);
  const rightHtml = right === undefined ? undefined : parts ? diffSide(parts, 'insert', leakTokens) : highlighted(right, leakTokens);
  return html`<div class="row-title">${title}${parts ? '' : left !== undefined && right !== undefined ? ' (too different to diff)' : ''}</div>${cell(leftHtml)}${cell(rightHtml)}`;
}

/**
 * The two replies side by side: the THOUGHT and the command each with a word-level diff (words only
 * the left has in `<del>`, only the right in `<ins>`), anything after the block, and each whole reply
 * in a collapsed panel. Leak tokens are marked on both sides.
 */
export function sideBySide(left: DuelSide, right: DuelSide, leakTokens: readonly string[]): Html {
  const a = replyParts(left.reply);
  const b = replyParts(right.reply);
  const rest = a.rest !== '' || b.rest !== '' ? diffRow('after the block', a.rest, b.rest, leakTokens, 'thought') : html``;
  return html`<div class="duel" id="duel">
<div class="side-head" data-side="left">${left.label}</div><div class="side-head" data-side="right">${right.label}</div>
${diffRow('THOUGHT', a.thought, b.thought, leakTokens, 'thought')}
${diffRow('command', a.command, b.command, leakTokens, 'command')}
${rest}
<div class="cell"><details><summary>whole reply</summary><pre>${highlighted(left.reply, leakTokens)}</pre></details></div>
<div class="cell"><details><summary>whole reply</summary><pre>${highlighted(right.reply, leakTokens)}</pre></details></div>
</div>`;
}
