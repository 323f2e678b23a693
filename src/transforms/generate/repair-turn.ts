import { firstBashBlock, hasThought } from '../../contract/agent-protocol.js';

/** What `td/repair` writes when the reference gives no reasoning at all: it invents none. */
export const NO_REASONING = 'THOUGHT: (the reference turn gives no reasoning for this command)';

/**
 * `td/repair`: the dataset's turn normalised to the agent's protocol, with nothing made up. The first
 * bash block is kept and anything after it dropped (a second block, and the prose around it); when
 * no THOUGHT precedes the block, the prose before it becomes the THOUGHT, or, without prose, a line
 * that says the reference gave none. A turn without a bash block is returned unchanged (the format
 * gate then rejects it: there is no command to keep).
 */
export function repairTurn(reference: string): string {
  const first = firstBashBlock(reference);
  if (!first) return reference;
  const prose = reference.slice(0, first.index).trim();
  const thought = hasThought(prose) ? prose : prose === '' ? NO_REASONING : `THOUGHT: ${prose}`;
  return `${thought}\n\n${first.block}\n`;
}
