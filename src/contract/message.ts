import { z } from 'zod';

/** One chat message of a mini-swe-agent trajectory. */
export const MessageSchema = z.looseObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type Message = z.infer<typeof MessageSchema>;

/**
 * The chat history before a target turn: at least the system prompt and the task, ending with the
 * message the agent answers (the task or an observation), so the next message is the assistant's.
 */
export const HistorySchema = z
  .array(MessageSchema)
  .min(2, 'expected at least 2 messages (the system prompt and the task)')
  .refine((messages) => messages.length < 2 || messages.at(-1)?.role === 'user', {
    message: 'expected the last message to be from the user (the task or an observation the next turn answers)',
  });
