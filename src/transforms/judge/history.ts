import type { Message } from '../../contract/message.js';

/** Budgets of the conversation shown to a judge, in characters. */
export interface HistoryBudget {
  /** The whole conversation at most. */
  total: number;
  /** The system prompt (the agent's rules) at most. */
  system: number;
  /** The task at most. */
  task: number;
  /** Any other message at most, except the last. */
  message: number;
  /** The last message (the observation the next turn answers) at most. */
  last: number;
}

/** Budgets for a total: the rules and the task are kept nearly whole, old observations are cut hardest. */
export function historyBudget(total: number): HistoryBudget {
  return {
    total,
    system: Math.min(8_000, Math.floor(total / 6)),
    task: Math.min(12_000, Math.floor(total / 4)),
    message: Math.min(4_000, Math.floor(total / 12)),
    last: Math.min(8_000, Math.floor(total / 6)),
  };
}

/** Keeps the head (two thirds) and the tail of a long text, and says how much was cut in between. */
export function trimMiddle(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const head = Math.ceil((budget * 2) / 3);
  const tail = budget - head;
  const cut = text.length - head - tail;
  return `${text.slice(0, head)}\n[... ${cut} characters trimmed by td ...]\n${tail > 0 ? text.slice(text.length - tail) : ''}`;
}

/** One message as the judge sees it. */
function render(label: string, content: string): string {
  return `[${label}]\n${content.trimEnd()}`;
}

function labelOf(message: Message, index: number): string {
  if (index === 0 && message.role === 'system') return 'system: the agent\'s instructions';
  if (index <= 1 && message.role === 'user') return 'user: the task';
  return message.role === 'assistant' ? 'agent' : message.role === 'user' ? 'observation' : message.role;
}

/**
 * The conversation as one text for the judge: the agent's instructions and the task first, then the
 * turns, each message cut to its budget (head and tail kept, the cut marked). When the whole is still
 * over budget, the oldest turns after the task go first, and a marker says how many are not shown: what
 * the next turn answers (the latest turns) matters most.
 */
export function renderHistory(messages: readonly Message[], budget: HistoryBudget): string {
  const head: string[] = [];
  let rest = 0;
  for (const [index, message] of messages.entries()) {
    if (index > 1 || (index === 1 && message.role !== 'user')) break;
    const limit = message.role === 'system' ? budget.system : budget.task;
    head.push(render(labelOf(message, index), trimMiddle(message.content, limit)));
    rest = index + 1;
  }
  const later = messages.slice(rest);
  const turns = later.map((message, offset) => {
    const index = rest + offset;
    const limit = index === messages.length - 1 ? budget.last : budget.message;
    return render(labelOf(message, index), trimMiddle(message.content, limit));
  });

  let used = head.reduce((n, part) => n + part.length + 2, 0);
  const kept: string[] = [];
  for (let i = turns.length - 1; i >= 0; i--) {
    const part = turns[i]!;
    // The latest message is always shown (it is within its own budget), whatever the rest costs.
    if (kept.length > 0 && used + part.length + 2 > budget.total) break;
    kept.unshift(part);
    used += part.length + 2;
  }
  // An observation is not shown without the command that produced it.
  while (kept.length > 1 && kept.length < turns.length && later[turns.length - kept.length]!.role !== 'assistant') kept.shift();
  const dropped = turns.length - kept.length;
  const marker = dropped > 0 ? [`[... ${dropped} earlier message${dropped === 1 ? '' : 's'} not shown (trimmed by td) ...]`] : [];
  return [...head, ...marker, ...kept].join('\n\n');
}
