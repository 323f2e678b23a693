import type { JsonObject } from './session.js';

/** One JSONL line as a JSON object, or why it is not one: `invalid-json` or `not-an-object` (`null`, an array, a number). */
export type JsonLine = { ok: true; value: JsonObject } | { ok: false; reason: 'invalid-json' | 'not-an-object'; message: string };

/** Parses the text of one line (without its line end); the one wording for a line that is not a record. */
export function parseJsonObject(text: string): JsonLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'invalid-json', message: `invalid JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, reason: 'not-an-object', message: `expected a JSON object, got ${got}` };
  }
  return { ok: true, value: value as JsonObject };
}
