import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EndpointOptionsSchema } from '../../src/llm/endpoint-options.js';
import { openLlm, type Llm, type LlmRequest, type LlmResult } from '../../src/llm/llm.js';
import type { ChatServer } from './chat-server.js';
import { testSession, type TestSession } from './session.js';

/** A fresh temporary directory (for caches). */
export function tempDir(prefix = 'td-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * An Llm against the test server: no cache and a 10 ms retry-wait cap unless overridden, so fault tests
 * stay fast; `values` are endpoint options as a pipeline file would give them.
 */
export function llmFor(server: ChatServer, values: Record<string, unknown> = {}, session: TestSession = testSession()): { llm: Llm; t: TestSession } {
  const options = EndpointOptionsSchema.parse({ baseUrl: server.url, cache: false, maxRetryWait: 0.01, ...values });
  return { llm: openLlm(session.runtime, options), t: session };
}

/** One small request; `content` varies the cache key. */
export function ask(llm: Llm, content = 'hello', extra: Partial<LlmRequest> = {}, signal?: AbortSignal): Promise<LlmResult> {
  return llm.complete({ model: 'test-model', messages: [{ role: 'user', content }], promptVersion: 'test/1', attempt: 0, ...extra }, { signal });
}
