import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EndpointOptionsSchema } from '../../src/llm/endpoint-options.js';
import type { ChatRequest, ChatResult } from '../../src/llm/chat-model.js';
import { openEndpointModel, type EndpointModel } from '../../src/llm/open-endpoint.js';
import type { ChatServer } from './chat-server.js';
import { testSession, type TestSession } from './session.js';

/** A fresh temporary directory (for caches). */
export function tempDir(prefix = 'td-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The endpoint model (every layer) against the test server: no cache and a 10 ms retry-wait cap unless overridden, so fault tests
 * stay fast; `values` are endpoint options as a pipeline file would give them.
 */
export function llmFor(server: ChatServer, values: Record<string, unknown> = {}, session: TestSession = testSession()): { llm: EndpointModel; t: TestSession } {
  const options = EndpointOptionsSchema.parse({ baseUrl: server.url, cache: false, maxRetryWait: 0.01, ...values });
  return { llm: openEndpointModel(session.runtime, options), t: session };
}

/** One small request; `content` varies the cache key. */
export function ask(llm: EndpointModel, content = 'hello', extra: Partial<ChatRequest> = {}, signal?: AbortSignal): Promise<ChatResult> {
  return llm.complete({ model: 'test-model', messages: [{ role: 'user', content }], promptVersion: 'test/1', attempt: 0, ...extra }, { signal });
}
