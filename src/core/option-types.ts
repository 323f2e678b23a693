import { z } from 'zod';

/**
 * Option value types shared by CLI flags (strings from commander) and pipeline files (TOML values).
 * Each accepts both, and states its rule in the words of the error message.
 */

function numberFrom(value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return value;
  const n = Number(value);
  return Number.isNaN(n) ? value : n;
}

export function integer(min: number, max?: number) {
  const rule = max === undefined ? `expected an integer from ${min} and up` : `expected an integer from ${min} to ${max}`;
  let schema = z.number({ error: rule }).int({ error: rule }).min(min, { error: rule });
  if (max !== undefined) schema = schema.max(max, { error: rule });
  return z.preprocess(numberFrom, schema);
}

export function decimal(min: number, max?: number) {
  const rule = max === undefined ? `expected a number from ${min} and up` : `expected a number from ${min} to ${max}`;
  let schema = z.number({ error: rule }).min(min, { error: rule });
  if (max !== undefined) schema = schema.max(max, { error: rule });
  return z.preprocess(numberFrom, schema);
}

/**
 * The longest wait a Node timer honours, in whole seconds: setTimeout and setInterval take at most
 * 2^31 - 1 ms, and a longer delay is silently set to 1 ms (`--timeout 3000000` would time every
 * request out at once).
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A number of seconds td waits with a timer (`--timeout`, `--grace`, ...): from `min` up to MAX_TIMER_SECONDS. */
export function seconds(min: number) {
  const rule = `expected a number of seconds from ${min} to ${MAX_TIMER_SECONDS} (the longest a timer can wait)`;
  return z.preprocess(numberFrom, z.number({ error: rule }).min(min, { error: rule }).max(MAX_TIMER_SECONDS, { error: rule }));
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** A byte count: `1048576`, `64MiB`, `2mb`, `1.5GB`. */
export function byteSize(min = 1) {
  const rule = `expected a byte size of at least ${min} (e.g. 1048576, 512KiB, 64MiB)`;
  return z.preprocess(
    (value) => {
      if (typeof value !== 'string') return value;
      const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
      const unit = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
      return match && unit !== undefined ? Math.round(Number(match[1]) * unit) : value;
    },
    z.number({ error: rule }).int({ error: rule }).min(min, { error: rule }),
  );
}

/** A byte count as `byteSize` reads it back: `4MiB`, `64KiB`, `1000`. */
export function byteSizeText(bytes: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB'] as const) {
    const size = BYTE_UNITS[unit.toLowerCase()]!;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** A list from `a,b,c` (CLI) or an array (pipeline file). */
export function stringList() {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : value,
    z.array(z.string().min(1), { error: 'expected a comma-separated list' }),
  );
}

/** A boolean flag: `true`/`false` from a file, presence from the CLI, `yes`/`no`/`1`/`0` from `--set`. */
export function flag() {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const lower = value.toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(lower)) return true;
    if (['false', 'no', '0', 'off'].includes(lower)) return false;
    return value;
  }, z.boolean({ error: 'expected true or false' }));
}

/** A non-empty string (paths, model names). */
export function text() {
  return z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' });
}
