/**
 * The format gate (the seed's `format_ok`): whether a generated turn is one a mini-swe-agent run could
 * execute. The rules are the agent's own: exactly one bash block, found with mini-swe-agent's regex
 * (`` ```bash\s*\n(.*?)\n``` ``, DOTALL), with a THOUGHT before it; and nothing of the chat template
 * leaking into the text (Kimi's tool-call tokens and their kin, `<think>` tags).
 */

import { bashBlocks, hasThought } from '../../contract/agent-protocol.js';

/** Kimi's tool-call markup: `<|tool_calls_section_begin|>`, `<|tool_call_begin|>`, `<|tool_call_argument_begin|>`, ... */
const KIMI_TOOL_TOKEN = /<\|tool_[a-z_]*\|>/i;
/** Any other special token of a chat template: `<|im_end|>`, `<|im_middle|>`, `<|endoftext|>`, ... */
const SPECIAL_TOKEN = /<\|[a-z][a-z0-9_]*\|>/i;
const THINK_TAG = /<\/?think\s*>/i;

export type FormatProblem = 'kimi-tool-call' | 'special-token' | 'think-tag' | 'no-bash-block' | 'several-bash-blocks' | 'no-thought';

export interface FormatVerdict {
  ok: boolean;
  problem?: FormatProblem;
  /** One line for messages: what was wrong. */
  detail?: string;
  /** The command of the one bash block, when there is exactly one. */
  command?: string;
}

export function checkFormat(text: string): FormatVerdict {
  if (KIMI_TOOL_TOKEN.test(text)) return bad('kimi-tool-call', `contains Kimi tool-call markup ${KIMI_TOOL_TOKEN.exec(text)![0]}`);
  if (SPECIAL_TOKEN.test(text)) return bad('special-token', `contains the chat-template token ${SPECIAL_TOKEN.exec(text)![0]}`);
  if (THINK_TAG.test(text)) return bad('think-tag', 'contains a leftover <think> tag');
  const blocks = bashBlocks(text);
  if (blocks.length === 0) return bad('no-bash-block', 'has no ```bash block');
  if (blocks.length > 1) return bad('several-bash-blocks', `has ${blocks.length} bash blocks, expected exactly one`);
  const block = blocks[0]!;
  if (!hasThought(text.slice(0, block.index))) return bad('no-thought', 'has no THOUGHT before its bash block');
  return { ok: true, command: block.command };
}

function bad(problem: FormatProblem, detail: string): FormatVerdict {
  return { ok: false, problem, detail };
}
