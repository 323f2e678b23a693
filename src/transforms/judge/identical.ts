import { bashBlocks } from '../../contract/agent-protocol.js';

/**
 * A turn reduced to what a judge could tell apart: its commands and its reasoning, each normalised.
 * - Commands (every bash block, in order): lines with trailing whitespace removed, blank lines at the
 *   start and end of a block dropped. Nothing else: inside a command, spacing and case can change what
 *   it does (a quoted string, a regex), so `grep -n x` and `grep  -n x` are different commands.
 * - Reasoning (the text outside the blocks): Unicode NFKC, lower case, every run of whitespace one space,
 *   trimmed. Two THOUGHTs that differ only in line wrapping, spacing or capitals say the same thing.
 * A turn without a bash block is compared as reasoning alone (it has no command to differ in).
 */
export function normalisedTurn(turn: string): string {
  const blocks = bashBlocks(turn);
  const commands = blocks.map((block) => block.command.split('\n').map((line) => line.trimEnd()).join('\n').replace(/^\n+|\n+$/g, ''));
  let reasoning = '';
  let from = 0;
  for (const block of blocks) {
    reasoning += `${turn.slice(from, block.index)}\n`;
    from = block.index + block.block.length;
  }
  reasoning += turn.slice(from);
  const thought = reasoning.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return JSON.stringify({ commands, thought });
}

/** Whether two turns send the same commands with equivalent reasoning (see {@link normalisedTurn}): a tie no judge is asked about. */
export function identicalTurns(a: string, b: string): boolean {
  return a === b || normalisedTurn(a) === normalisedTurn(b);
}
