/**
 * `JSON.stringify(record)` for a record read from JSON, with some top-level values already serialised:
 * the history is the bulk of a turn record, and a final turn writes it three times (final.jsonl,
 * sft.jsonl, dpo.jsonl), so it is serialised once. Same bytes as JSON.stringify for parsed JSON
 * (keys in order, undefined values left out).
 */
export function stringifyWith(record: Record<string, unknown>, serialised: Readonly<Record<string, string>>): string {
  let out = '{';
  for (const key in record) {
    const value = record[key];
    if (value === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(key) + ':' + (Object.hasOwn(serialised, key) ? serialised[key] : JSON.stringify(value));
  }
  return out + '}';
}
