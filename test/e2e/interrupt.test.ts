/**
 * Ctrl-C on the whole pipe, as a terminal sends it: SIGINT to every process of the pipe's group at
 * once, at seeded points of the run. Every td stage stops (130, or 0 if it had already finished), the
 * report directory of the previous complete run is left exactly as it was (td report must not take the
 * end of input caused by its dying upstream for the end of the data), and the next run completes with
 * the same bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/bootstrap.js';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { duelScript } from './duel-server.js';
import { duelFiles, duelPipe, filesUnder, readJsonl, startPipe, workDir, type DuelFiles, type PipeResult } from './pipe.js';

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const env = { CHUTES_API_KEY: 'e2e-key-0123456789' };
const TD_STAGES = ['sample', 'king', 'challenge', 'judge', 'report'];

function reportFiles(files: DuelFiles): Record<string, string> {
  return Object.fromEntries(filesUnder(files.report).map((name) => [name, readFileSync(join(files.report, name), 'utf8')]));
}

describe('Ctrl-C on the whole pipe', () => {
  it('stops every stage, leaves the previous report as it was, and the next run completes with the same bytes', async () => {
    let interruptAt: number | undefined;
    let interrupt: (() => void) | undefined;
    const duel = duelScript({ seed: 2 });
    server = await startChatServer({
      latencyMs: 10,
      script: (request) => {
        if (request.index === interruptAt) interrupt?.();
        // From the interrupt on, no reply comes: the calls in flight when the grace period ends must be
        // aborted and recorded so (with 10 ms replies they would all finish within the grace period).
        if (interruptAt !== undefined && request.index >= interruptAt) return { fault: 'hang' };
        return duel.script(request);
      },
    });
    const dir = workDir();
    const files = duelFiles(dir);
    // No cache: every run asks everything, so the interrupt points fall at the same stage of each run.
    const stages = duelPipe({ url: server.url, files, count: 12, noCache: true, llm: ['--grace', '0.2'] });
    const run = async (at?: number): Promise<PipeResult> => {
      server!.reset();
      const pipe = startPipe(stages, { dir, env });
      interruptAt = at;
      interrupt = () => {
        interrupt = undefined;
        process.kill(-pipe.child.pid!, 'SIGINT');
      };
      const result = await pipe.done;
      interruptAt = undefined;
      return result;
    };

    const complete = await run();
    expect(complete.codes.report, complete.stderr.report).toBe(0);
    const requests = server.chatRequests().length;
    const before = reportFiles(files);
    expect(Object.keys(before)).toContain('duel.json');

    const random = seededRandom(7);
    for (let i = 0; i < 3; i++) {
      const at = Math.floor((0.2 + 0.7 * random()) * requests);
      const result = await run(at);
      expect(result.codes.report, `interrupted at request ${at}: ${result.stderr.report}`).toBe(130);
      // A report still loading its modules when Ctrl-C comes dies of it at once (130, nothing written); one that is running says so.
      if (result.stderr.report !== '') expect(result.stderr.report).toContain(`td report: warning: interrupted: ${files.report} left as it was`);
      for (const stage of TD_STAGES) expect([0, 130], `${stage} at request ${at}: ${result.stderr[stage]}`).toContain(result.codes[stage]);
      expect(reportFiles(files)).toEqual(before);
    }
    // Calls still in flight when the grace period ended were aborted and recorded so (turns already
    // written into a pipe whose reader stopped are not: a rerun redoes them all anyway).
    const cut = readJsonl(files.errors).filter((e) => e.stage !== 'sample');
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.filter((e) => e.kind !== 'transient' || e.reason !== 'interrupted')).toEqual([]);

    const again = await run();
    expect(again.codes.report, again.stderr.report).toBe(0);
    expect(reportFiles(files)).toEqual(before);
  });
});
