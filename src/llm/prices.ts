import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { EXIT } from '../core/exit-codes.js';
import { TdError } from '../core/td-error.js';
import { formatZodError } from '../core/zod-format.js';

const PriceSchema = z.strictObject({
  /** USD per million prompt tokens. */
  prompt: z.number().min(0),
  /** USD per million completion tokens (reasoning tokens are part of them, as the API counts them). */
  completion: z.number().min(0),
  /** USD per million prompt tokens the provider served from its prefix cache. @default the prompt price */
  cached_prompt: z.number().min(0).optional(),
});
export type Price = z.infer<typeof PriceSchema>;

export const PriceTableSchema = z.record(z.string().min(1), PriceSchema);
/** Model name to price; a model missing from the table has no cost (the field is left out, not zero). */
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Reads a price table from JSON or TOML (by extension; anything else is tried as JSON). */
export function loadPriceTable(path: string): PriceTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TdError(`--prices ${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.config, 'config');
  }
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.toml' ? parseToml(text) : JSON.parse(text);
  } catch (error) {
    throw new TdError(`--prices ${path}: not valid ${extname(path).toLowerCase() === '.toml' ? 'TOML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`, EXIT.config, 'config');
  }
  const parsed = PriceTableSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new TdError(`--prices ${path}: ${formatZodError(parsed.error)}`, EXIT.config, 'config');
  return parsed.data;
}

/**
 * Cost of one reply in USD, or undefined when the model has no price. Prompt tokens the provider served
 * from its cache (`cachedPromptTokens`, part of `promptTokens`) cost `cached_prompt` when the table gives it.
 */
export function costOf(table: PriceTable | undefined, model: string, promptTokens: number, completionTokens: number, cachedPromptTokens = 0): number | undefined {
  const price = table?.[model];
  if (price === undefined) return undefined;
  const cached = Math.min(cachedPromptTokens, promptTokens);
  const cachedPrice = price.cached_prompt ?? price.prompt;
  return roundUsd(((promptTokens - cached) * price.prompt + cached * cachedPrice + completionTokens * price.completion) / 1e6);
}

/** Rounds to a millionth of a cent, so sums of many calls do not print float noise. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}
