import { DIMENSIONS, type Judgement, type Verdict } from '../../contract/judgement.js';
import type { Message } from '../../contract/message.js';
import type { Pr } from '../../contract/pr.js';
import { preferredSide } from '../../contract/verdict-sides.js';
import { DASH, fixed } from '../../sinks/report/format.js';
import { html, type Html } from './html.js';
import { count } from './list-page.js';
import { highlighted } from './reply-view.js';

/** The parts of a turn page drawn from the record read from disk; every text goes through `html`. */

const lineCount = (text: string): number => (text === '' ? 0 : text.split('\n').length);

/** The task (the first user message), with the agent's instructions collapsed above it. */
export function taskSection(messages: readonly Message[]): Html {
  const system = messages.find((m) => m.role === 'system');
  const task = messages.find((m) => m.role === 'user');
  return html`<section id="task"><h2>Task</h2>
${system ? html`<details><summary>the agent's instructions (system prompt, ${count(system.content.length)} characters)</summary><pre>${system.content}</pre></details>` : ''}
${task ? html`<pre>${task.content}</pre>` : html`<p class="muted">no task message</p>`}
</section>`;
}

/** The message the turn answers (the last observation, or the task itself), right above the replies. */
export function answersSection(messages: readonly Message[]): Html {
  const last = messages.at(-1);
  if (last === undefined) return html``;
  const isTask = messages.findIndex((m) => m.role === 'user') === messages.length - 1;
  return html`<section id="answers"><h2>The turn answers <span class="muted">(${isTask ? 'the task' : `the last observation, after ${messages.length - 2} messages of history`})</span></h2><pre class="answers">${last.content}</pre></section>`;
}

/** The history after the task: the agent's steps shown, observations collapsed (the last one open: it is what the turn answers). */
export function historySection(messages: readonly Message[]): Html {
  const taskAt = messages.findIndex((m) => m.role === 'user');
  const rest = messages.slice(taskAt + 1);
  const lastObservation = rest.map((m) => m.role).lastIndexOf('user');
  let step = 0;
  const items = rest.map((message, i) => {
    if (message.role === 'assistant') {
      step++;
      return html`<div class="msg"><div class="role">step ${step} (assistant)</div><pre>${message.content}</pre></div>`;
    }
    const label = message.role === 'user' ? 'observation' : message.role;
    return html`<details class="msg obs"${i === lastObservation ? html` open` : ''}><summary>${label} (${count(lineCount(message.content))} lines)${i === lastObservation ? ' — the turn answers this' : ''}</summary><pre>${message.content}</pre></details>`;
  });
  return html`<section id="history"><h2>History <span class="muted">(${count(rest.length)} messages after the task)</span></h2>${items.length > 0 ? items : html`<p class="muted">The turn answers the task directly.</p>`}</section>`;
}

function winnerCell(verdict: Verdict): Html {
  if (verdict.status !== 'parsed') return html`<span class="abstained">abstained</span>`;
  const side = preferredSide(verdict);
  return html`<span class="w-${side ?? 'none'}">${side ?? DASH}</span>${verdict.position_winner ? html` <span class="muted">(${verdict.position_winner})</span>` : ''}`;
}

function statusCell(verdict: Verdict): Html {
  const parse = typeof verdict.parse === 'string' ? verdict.parse : undefined;
  if (verdict.status === 'parsed') return html`parsed${parse && parse !== 'json' ? html` <span class="badge">${parse}</span>` : ''}`;
  return html`<span class="abstained">abstained</span>`;
}

const scoreCells = (verdict: Verdict): Html[] =>
  DIMENSIONS.map((d) => (verdict.scores ? html`<td class="num">${verdict.scores.challenger[d]}/${verdict.scores.king[d]}</td>` : html`<td class="num muted">${DASH}</td>`));

/** Every verdict per judge and order, the turn's aggregate, and the mean dimension scores of each side. */
export function verdictsSection(judgement: Judgement, score: number | null): Html {
  const opponent = judgement.against === 'reference' ? 'reference' : 'king';
  const rows = judgement.verdicts.map(
    (v) => html`<tr>
<td class="mono">${v.judge}</td><td>${v.order}</td><td>${statusCell(v)}</td><td>${winnerCell(v)}</td>${scoreCells(v)}
<td class="reason">${v.reason ? (v.reason.length > 280 ? html`<details><summary>${v.reason.slice(0, 200)}…</summary>${v.reason}</details>` : v.reason) : ''}${v.error ? html`<span class="abstained">${v.error}</span>` : ''}</td>
</tr>`,
  );
  const means = DIMENSIONS.map((d) => html`<td class="num">${fixed(judgement.dimensions.challenger[d], 1)}/${fixed(judgement.dimensions.king[d], 1)}</td>`);
  return html`<section id="verdicts"><h2>Verdicts</h2>
<div class="facts">score <strong>${score === null ? 'parse-fail' : fixed(score, 2)}</strong>
<span class="muted">· preference ${fixed(judgement.preference, 3)} · 95% lower bound ${fixed(judgement.lower_bound, 3)} · parsed ${judgement.parsed} of ${judgement.total} · flips ${judgement.flips} · against the ${opponent}</span></div>
<table class="grid" id="verdict-table">
<thead><tr><th>judge</th><th>order</th><th>status</th><th>winner</th>${DIMENSIONS.map((d) => html`<th title="challenger/${opponent}">${d}</th>`)}<th>reason</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><th colspan="4">mean over parsed verdicts (challenger/${opponent})</th>${means}<th></th></tr></tfoot>
</table>
</section>`;
}

/** The source PR, collapsed: it is what the king never saw and the challenger saw under the blind-agent rule. */
export function prSection(pr: Pr, leakTokens: readonly string[]): Html {
  const field = (label: string, value: string | null | undefined, open = false): Html =>
    value ? html`<details${open ? html` open` : ''}><summary>${label}</summary><pre>${highlighted(value, leakTokens)}</pre></details>` : html``;
  const list = (label: string, values: readonly string[] | undefined): Html =>
    values && values.length > 0 ? html`<details><summary>${label} (${values.length})</summary><pre>${values.join('\n')}</pre></details>` : html``;
  return html`<section id="pr"><h2>Pull request</h2>
<details id="pr-panel"><summary>the PR (hidden from the king${pr.pull_number ? `; #${pr.pull_number}` : ''}${pr.base_commit ? `; base ${pr.base_commit.slice(0, 12)}` : ''})</summary>
${field('problem statement', pr.problem_statement, true)}
${field('PR description', pr.pr_description)}
${field('hints', pr.hints_text)}
${field('interface', pr.interface)}
${field('patch', pr.patch, true)}
${field('test patch', pr.test_patch)}
${list('FAIL_TO_PASS', pr.FAIL_TO_PASS)}
${list('PASS_TO_PASS', pr.PASS_TO_PASS)}
${list('files changed', pr.files)}
</details></section>`;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Per stage: model, calls, tokens, cost, cached calls; and where the trajectory came from. */
export function metaSection(meta: unknown, source: unknown): Html {
  const stages = meta !== null && typeof meta === 'object' ? Object.entries(meta as Record<string, unknown>) : [];
  const rows = stages.map(([stage, value]) => {
    const m = (value ?? {}) as Record<string, unknown>;
    const calls = Array.isArray(m.calls) ? (m.calls as Array<Record<string, unknown>>) : [];
    const models = [...new Set([typeof m.model === 'string' ? m.model : undefined, ...calls.map((c) => (typeof c.model === 'string' ? c.model : undefined))].filter((x): x is string => x !== undefined))];
    const cached = calls.filter((c) => c.cached === true).length;
    const cost = num(m.cost_usd);
    return html`<tr><td>${stage}</td><td class="mono">${models.join(', ') || DASH}</td><td class="num">${calls.length}</td><td class="num">${count(num(m.prompt_tokens) ?? 0)}</td><td class="num">${count(num(m.completion_tokens) ?? 0)}</td><td class="num">${num(m.reasoning_tokens) === undefined ? DASH : count(num(m.reasoning_tokens)!)}</td><td class="num">${cost === undefined ? DASH : `$${cost.toFixed(4)}`}</td><td class="num">${cached}</td></tr>`;
  });
  const src = (source ?? {}) as Record<string, unknown>;
  return html`<section id="meta"><h2>Meta</h2>
${rows.length > 0 ? html`<table class="grid"><thead><tr><th>stage</th><th>model</th><th>calls</th><th>prompt tokens</th><th>completion tokens</th><th>reasoning tokens</th><th>cost</th><th>cached calls</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="muted">No meta: no model has been called for this turn yet.</p>`}
<p class="muted mono">source: ${String(src.file ?? DASH)} row ${String(src.row ?? DASH)}${src.exit_status ? ` (exit status ${String(src.exit_status)})` : ''}</p>
</section>`;
}
