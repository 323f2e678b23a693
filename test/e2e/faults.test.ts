/**
 * The whole tool under a misbehaving endpoint: `td sample | td king | td challenge | td judge | td report`
 * as five processes joined by OS pipes, against a server that fails one request in five (429 with
 * Retry-After, 500, 503, resets, bodies cut off, bodies that are not JSON) and answers one agent turn in
 * five with Kimi tool-call tokens or a `<think>` block. The run completes; every sampled turn ends in
 * exactly one place (a report bucket, parse-fail, or an errors entry with a reason); nothing malformed
 * reaches an output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkFormat } from '../../src/transforms/generate/format-gate.js';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { duelScript } from './duel-server.js';
import { duelFiles, duelPipe, filesUnder, readJsonl, runPipe, workDir } from './pipe.js';

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const env = { CHUTES_API_KEY: 'e2e-key-0123456789' };
const BUCKETS = ['final', 'refined', 'defeat', 'parse-fail'] as const;
const MALFORMED = /<\|[a-z_]+\|>|<\/?think\s*>/i;

interface CallMeta {
  status?: string;
}

describe('faults, end to end', () => {
  it('completes under 20% failed calls and 20% malformed turns, and accounts for every sampled turn exactly once', async () => {
    // On top of the random faults, a few requests never succeed (stuck: transient) or are always malformed (hopeless: rejected).
    const duel = duelScript({ seed: 3, faultRate: 0.2, malformedRate: 0.2, unparseableRate: 0.1, stuckRate: 0.02, hopelessRate: 0.04 });
    server = await startChatServer({ script: duel.script });
    const dir = workDir();
    const files = duelFiles(dir);
    const result = await runPipe(duelPipe({ url: server.url, files, count: 30 }), { dir, env });

    // Every stage ran to its end: no crash (70), no signal; LLM stages may exit 1 (a turn malformed on
    // every attempt) or 75 (a call failed after every retry), which only says where those turns went.
    expect(result.stderr.bash, result.stderr.bash).toBeUndefined();
    expect(result.codes.sample, result.stderr.sample).toBe(0);
    for (const stage of ['king', 'challenge', 'judge']) expect([0, 1, 75], `${stage}: ${result.stderr[stage]}`).toContain(result.codes[stage]);
    expect(result.codes.report, result.stderr.report).toBe(0);

    // The world misbehaved as intended: each fault kind was served, and so were malformed turns.
    for (const kind of ['fault:rate-limit', 'fault:500', 'fault:503', 'fault:reset', 'fault:truncated', 'fault:invalid-json', 'kimi', 'think', 'unparseable', 'stuck', 'hopeless']) {
      expect(duel.served.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
    const requests = server.chatRequests().length;
    const faults = [...duel.served].filter(([kind]) => kind.startsWith('fault:')).reduce((n, [, count]) => n + count, 0);
    expect(faults / requests).toBeGreaterThan(0.12);

    // Accounting: what sample emitted = the report's buckets + the errors entries of the later stages.
    const sampled = readJsonl(files.sampled).map((r) => String(r.id));
    expect(sampled).toHaveLength(30);
    expect(new Set(sampled).size).toBe(30);
    expect(result.stderr.sample).toMatch(/td sample: in \d+, out 30, /);
    const inBuckets = BUCKETS.flatMap((bucket) => readJsonl(join(files.report, `${bucket}.jsonl`)).map((r) => String(r.id)));
    const failures = readJsonl(files.errors).filter((e) => e.stage !== 'sample');
    for (const entry of failures) {
      expect(typeof entry.reason === 'string' && entry.reason !== '', JSON.stringify(entry)).toBe(true);
      expect(entry.error, JSON.stringify(entry)).toBeTruthy();
      expect(['transient', 'rejected'], JSON.stringify(entry)).toContain(entry.kind);
      expect((entry.record as { id: string }).id).toBe(entry.id);
    }
    expect([...inBuckets, ...failures.map((e) => String(e.id))].sort()).toEqual([...sampled].sort());
    expect(new Set(failures.map((e) => e.kind))).toEqual(new Set(['transient', 'rejected']));
    expect(failures.filter((e) => e.kind === 'rejected').every((e) => e.reason === 'format' && /Kimi tool-call markup/.test(String(e.error)))).toBe(true);
    expect(failures.filter((e) => e.kind === 'transient').every((e) => e.reason === 'http-503')).toBe(true);
    expect(readJsonl(join(files.report, 'parse-fail.jsonl')).length).toBeGreaterThan(0);
    const gate = JSON.parse(readFileSync(join(files.report, 'duel.json'), 'utf8')) as { turns: number };
    expect(gate.turns).toBe(inBuckets.length);
    const scored = readJsonl(files.scored);
    expect(readJsonl(join(files.report, 'turns.jsonl')).map((r) => r.id)).toEqual(scored.map((r) => r.id));

    // Malformed replies were asked again and replaced: some kept turns needed more than one attempt.
    const attempts = (record: Record<string, unknown>, stage: 'king' | 'challenger'): CallMeta[] => (record.meta as Record<string, { calls: CallMeta[] }>)[stage]!.calls;
    const replaced = scored.flatMap((r) => [...attempts(r, 'king'), ...attempts(r, 'challenger')]).filter((call) => call.status === 'kimi-tool-call' || call.status === 'think-tag');
    expect(replaced.length).toBeGreaterThan(0);

    // No malformed text in any output: every kept turn passes the format gate, and no file of the report holds template tokens or think tags.
    for (const record of scored) {
      expect(checkFormat(String(record.king)).ok, String(record.king)).toBe(true);
      expect(checkFormat(String(record.challenger)).ok, String(record.challenger)).toBe(true);
    }
    for (const file of filesUnder(files.report)) expect(readFileSync(join(files.report, file), 'utf8'), file).not.toMatch(MALFORMED);
    expect(readFileSync(files.scored, 'utf8')).not.toMatch(MALFORMED);
  });
});
