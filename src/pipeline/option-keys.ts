import { z } from 'zod';
import type { FlagSpec } from '../core/stage-spec.js';

/** `min-parsed`, `min_parsed` and `minParsed` all name the option key `minParsed`. */
export function camelKey(written: string): string {
  return written.replace(/[-_]+([a-zA-Z0-9])/g, (_, next: string) => next.toUpperCase());
}

/** The spelling td shows in messages and docs: `minParsed` -> `min-parsed`. */
export function kebabKey(camel: string): string {
  return camel.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The keys of an options schema (a zod object, possibly refined, piped or defaulted). */
export function schemaKeys(schema: z.ZodType): string[] | undefined {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return schemaKeys(schema.in as z.ZodType);
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) return schemaKeys(schema.unwrap() as z.ZodType);
  return undefined;
}

/** The option keys a stage takes: its schema's keys, else (for a schema td cannot see into) its flags' keys. */
export function optionKeys(schema: z.ZodType, flags: readonly FlagSpec[]): string[] {
  return schemaKeys(schema) ?? [...new Set(flags.map((flag) => flag.key))];
}
