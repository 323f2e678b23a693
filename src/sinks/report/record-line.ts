import { VOLATILE_CALL_KEYS, withoutVolatile } from '../../contract/meta.js';
import { applyEdits, arrayElements, objectMembers, type TextEdit } from '../../core/json-spans.js';

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

/**
 * A record's line in a bucket file (final, refined, defeat, parse-fail): the line it was read from when
 * no stage changed it since, else the record serialised (`serialised` as in `stringifyWith`); either way
 * without the volatile call fields (`withoutVolatile`).
 */
export function bucketLine(record: Record<string, unknown>, raw: string | undefined, serialised: Readonly<Record<string, string>> = {}): string {
  return raw === undefined ? stringifyWith(withoutVolatile(record), serialised) : rawWithoutVolatile(raw);
}

const VOLATILE: ReadonlySet<string> = new Set(VOLATILE_CALL_KEYS);

/**
 * The text of a record with the volatile members of `meta.*.calls[*]` cut out and every other byte as
 * it was read. A call object that loses a member is written again from its remaining members' own
 * text, joined by commas (only the spacing between its members can change); a line without volatile
 * members is returned as it is. For compact JSON this is byte for byte `JSON.stringify(withoutVolatile(record))`.
 */
export function rawWithoutVolatile(text: string): string {
  const edits: TextEdit[] = [];
  for (const meta of objectMembers(text, text.indexOf('{'))) {
    if (meta.key !== 'meta' || text[meta.valueStart] !== '{') continue;
    for (const stage of objectMembers(text, meta.valueStart)) {
      if (text[stage.valueStart] !== '{') continue;
      for (const calls of objectMembers(text, stage.valueStart)) {
        if (calls.key !== 'calls' || text[calls.valueStart] !== '[') continue;
        for (const call of arrayElements(text, calls.valueStart)) {
          if (text[call.start] !== '{') continue;
          const members = objectMembers(text, call.start);
          const kept = members.filter((member) => !VOLATILE.has(member.key));
          if (kept.length < members.length) edits.push({ start: call.start, end: call.end, with: `{${kept.map((member) => text.slice(member.start, member.end)).join(',')}}` });
        }
      }
    }
  }
  return applyEdits(text, edits);
}
