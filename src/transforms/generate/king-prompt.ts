import type { Message } from '../../contract/message.js';

/** Bumped whenever the king's request changes shape (it is part of the cache key). */
export const KING_PROMPT_VERSION = 'king/1';

/**
 * The blind king's request: the chat history exactly as the agent saw it (role and content only), so
 * the model continues the trajectory in the agent's own voice. It takes the history and nothing else:
 * no record, no `pr`, so nothing from the hidden pull request can reach it.
 */
export function kingMessages(history: readonly Message[]): Array<{ role: Message['role']; content: string }> {
  return history.map((message) => ({ role: message.role, content: message.content }));
}
