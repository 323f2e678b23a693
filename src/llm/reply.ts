import { z } from 'zod';
import { formatZodError } from '../core/zod-format.js';

/**
 * The parts of a chat-completions response td reads. Loose: servers add fields (`reasoning`,
 * `reasoning_content`, `service_tier`, ...) and td ignores what it does not use.
 */
const UsageSchema = z.looseObject({
  prompt_tokens: z.number().int().min(0).optional(),
  completion_tokens: z.number().int().min(0).optional(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().int().min(0).nullable().optional() }).nullable().optional(),
  /** Prompt tokens the provider served from its prefix cache (OpenAI, vLLM, SGLang report them here). */
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().int().min(0).nullable().optional() }).nullable().optional(),
  /** Some OpenAI-compatible servers report it here instead. */
  reasoning_tokens: z.number().int().min(0).nullable().optional(),
});

const ReplyMessageSchema = z.looseObject({
  content: z.string().nullable().optional(),
  reasoning: z.string().nullable().optional(),
  reasoning_content: z.string().nullable().optional(),
  tool_calls: z.array(z.unknown()).nullable().optional(),
});

export const ChatCompletionSchema = z.looseObject({
  model: z.string().optional(),
  choices: z.array(z.looseObject({ message: ReplyMessageSchema, finish_reason: z.string().nullable().optional() })).min(1),
  usage: UsageSchema.nullable().optional(),
});

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Present when the server reports it. */
  reasoning_tokens?: number;
  /** Prompt tokens the provider served from its prefix cache (part of `prompt_tokens`); present when the server reports it. */
  cached_prompt_tokens?: number;
}

/** One reply, as the stages use it. */
export interface Reply {
  /** The message content; '' when the server sent null or nothing. */
  content: string;
  /** Reasoning text, when the server returned it beside the content (`reasoning` or `reasoning_content`). */
  reasoning: string | undefined;
  finishReason: string | null;
  /** Structured tool calls in the reply (td never offers tools, so any is a malformed reply). */
  toolCalls: number;
  usage: Usage;
  /** The model the server says answered. */
  model: string | undefined;
  /**
   * The record's own reference turn, unchanged (td/replay): a stage keeps it as the dataset has it,
   * format problems included (judging that turn is the point), instead of checking it as generated text.
   */
  verbatim?: boolean;
  /**
   * An answer already in structured form (td/rules gives its verdict so): read as it is, not parsed
   * out of `content`. Replies from an endpoint never have it.
   */
  structured?: unknown;
}

/**
 * Parses a raw response body; a body that is not a chat completion is an error message, not a reply.
 * `mask` (the redactor's `applyKnown`) removes td's own secrets from the body, raw and after JSON
 * unescaping, before anything is read from it: `body` is then the masked body, for the cache.
 */
export function parseReply(raw: string, mask?: (text: string) => string): { ok: true; reply: Reply; body: string } | { ok: false; message: string } {
  let body = mask ? mask(raw) : raw;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, message: `the response body is not JSON (${(error as Error).message}; ${body.length} characters)` };
  }
  if (mask) {
    // A secret may also arrive escaped (`\u0041...`): masked in the parsed strings, and the body re-written.
    const masked = maskStrings(json, mask);
    if (masked !== json) {
      json = masked;
      body = JSON.stringify(json);
    }
  }
  const parsed = ChatCompletionSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) return { ok: false, message: `the response is not a chat completion: ${formatZodError(parsed.error)}` };
  const completion = parsed.data;
  const choice = completion.choices[0]!;
  const usage = completion.usage ?? {};
  const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens ?? usage.reasoning_tokens ?? undefined;
  const cachedTokens = usage.prompt_tokens_details?.cached_tokens ?? undefined;
  const reasoning = choice.message.reasoning_content ?? choice.message.reasoning ?? undefined;
  return {
    ok: true,
    body,
    reply: {
      content: choice.message.content ?? '',
      reasoning: reasoning === null ? undefined : reasoning,
      finishReason: choice.finish_reason ?? null,
      toolCalls: choice.message.tool_calls?.length ?? 0,
      usage: {
        prompt_tokens: usage.prompt_tokens ?? 0,
        completion_tokens: usage.completion_tokens ?? 0,
        ...(reasoningTokens === undefined || reasoningTokens === null ? {} : { reasoning_tokens: reasoningTokens }),
        ...(cachedTokens === undefined || cachedTokens === null ? {} : { cached_prompt_tokens: cachedTokens }),
      },
      model: completion.model,
    },
  };
}

/**
 * `value` with `mask` applied to every string in it; the same object when nothing changed. `mask` returns
 * its argument itself when there is nothing to mask, so the common case allocates nothing.
 */
function maskStrings(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (value === null || typeof value !== 'object' || !holdsMasked(value, mask)) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => maskStrings(item, mask));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskStrings(item, mask)]));
}

function holdsMasked(value: unknown, mask: (text: string) => string): boolean {
  if (typeof value === 'string') return mask(value) !== value;
  if (value === null || typeof value !== 'object') return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (holdsMasked(item, mask)) return true;
  return false;
}

/**
 * Why a reply cannot be used as generated text, or undefined when it can. A reply cut off by the token
 * limit, one whose text went to the reasoning field only, an empty one and one that calls tools are all
 * malformed: the stage asks again (a new attempt), it never passes them on.
 */
export function replyProblem(reply: Reply): string | undefined {
  if (reply.finishReason === 'length') return 'length';
  if (reply.content.trim() === '') return reply.reasoning && reply.reasoning.trim() !== '' ? 'reasoning-only' : 'empty';
  if (reply.toolCalls > 0 || reply.finishReason === 'tool_calls') return 'tool-calls';
  if (reply.finishReason === 'content_filter') return 'content-filter';
  return undefined;
}

/** What each `replyProblem` means, in words for error messages. */
export const REPLY_PROBLEM_TEXT: Readonly<Record<string, string>> = {
  length: 'cut off at max_tokens (finish_reason length)',
  'reasoning-only': 'empty content, text only in the reasoning field',
  empty: 'empty content',
  'tool-calls': 'structured tool calls instead of text',
  'content-filter': 'stopped by the content filter',
};
