/**
 * Secrets, end to end: with a recognisable fake API key and Hugging Face token in the environment, the
 * whole pipe runs against a server whose error bodies echo the request's Authorization header (and the
 * token, as a misconfigured proxy might). Afterwards every file the run wrote (stage outputs, the errors
 * file, the report directory, the request cache) and every stage's stderr is searched: neither secret
 * appears anywhere, and the echoes were printed redacted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unitHash, startChatServer, type ChatServer, type Script } from '../helpers/chat-server.js';
import { duelScript, isJudgeRequest } from './duel-server.js';
import { duelFiles, duelPipe, filesUnder, readJsonl, runPipe, workDir } from './pipe.js';

// Neither matches a token pattern (sk-, hf_ with 16+ characters after it would): only td's knowledge
// of the key's value can keep it out. The HF token has the shape td sample insists on.
const KEY = 'TDE2E.fake-chutes.KEY.5be7d2';
const HF_TOKEN = 'hf_TDE2Efake';

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Error bodies that quote what a proxy saw: the Authorization header and the token. */
function echoingScript(base: Script): Script {
  return (request) => {
    const echo = JSON.stringify({
      error: { message: `upstream refused Authorization: ${String(request.headers.authorization)} (key ${KEY}, hub token ${HF_TOKEN})`, type: 'proxy_error' },
    });
    const roll = unitHash(`echo:${request.text}`);
    // Some requests fail every time (the turn ends in the errors file with the server's message) ...
    if (roll < 0.12) return { fault: 'status', status: 500, body: echo };
    // ... some judge requests are refused as bad (a permanent failure: that judge abstains, and its reason is kept in the record) ...
    if (roll < 0.2 && isJudgeRequest(request.body)) return { fault: 'status', status: 400, body: echo };
    // ... and some fail once, then succeed.
    if (roll < 0.4 && request.seen === 0) return { fault: 'status', status: 503, body: echo };
    return base(request);
  };
}

describe('secrets, end to end', () => {
  it('neither the API key nor the HF token appears in any file the run wrote or on stderr, even when the server echoes them', async () => {
    server = await startChatServer({ script: echoingScript(duelScript({ seed: 5 }).script) });
    const dir = workDir();
    const files = duelFiles(dir);
    // The key under a name of the user's choosing: only the LLM layer's registration of the value it
    // read can protect it (CHUTES_API_KEY is known to every redactor from the start).
    // --panel full: every judge-order is asked, so the judge requests refused as bad become abstentions; 24
    // turns, because the faults are drawn by hashing each request and 16 turns of judge/2 requests drew none
    // refused as bad on a turn that did not also fail.
    const result = await runPipe(duelPipe({ url: server.url, files, count: 24, llm: ['--retries', '2', '--api-key-env', 'TD_E2E_KEY'], judge: ['--panel', 'full'] }), {
      dir,
      env: { TD_E2E_KEY: KEY, CHUTES_API_KEY: '', HF_TOKEN },
    });
    expect(result.codes.sample, result.stderr.sample).toBe(0);
    expect(result.codes.report, result.stderr.report).toBe(0);

    // The key was really used, and the echoes really happened.
    const requests = server.chatRequests();
    expect(requests.length).toBeGreaterThan(24);
    expect(requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    const errors = readJsonl(files.errors).filter((e) => e.stage !== 'sample');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => String(e.error).includes('upstream refused Authorization: Bearer [REDACTED] (key [REDACTED], hub token [REDACTED])'))).toBe(true);
    const abstentions = readJsonl(files.scored)
      .flatMap((r) => (r.judgement as { verdicts: Array<{ status: string; error?: string }> }).verdicts)
      .filter((v) => v.status === 'abstained');
    expect(abstentions.length).toBeGreaterThan(0);
    expect(abstentions.some((v) => String(v.error).includes('[REDACTED]'))).toBe(true);
    for (const stage of ['king', 'challenge', 'judge']) expect(result.stderr[stage], stage).toContain('[REDACTED]');

    // Every file under the run's directory: outputs, errors, report, cache (index and content), stderr.
    const written = filesUnder(dir);
    expect(written.some((file) => file.startsWith('cache/'))).toBe(true);
    expect(written.some((file) => file.startsWith('report/'))).toBe(true);
    expect(written).toContain('report/report.html');
    for (const file of written) {
      const bytes = readFileSync(join(dir, file));
      expect(bytes.includes(KEY), `${file} holds the API key`).toBe(false);
      expect(bytes.includes(HF_TOKEN), `${file} holds the HF token`).toBe(false);
    }
    for (const [stage, text] of Object.entries(result.stderr)) {
      expect(text.includes(KEY) || text.includes(HF_TOKEN), `stderr of ${stage}`).toBe(false);
    }
  });
});
