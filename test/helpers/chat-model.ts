import type { ChatRequest } from '../../src/llm/chat-model.js';
import type { Logger } from '../../src/core/logger.js';

/** A request as a stage builds it; `content` varies what it asks. */
export function chatRequest(content = 'hello', extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'test-model', messages: [{ role: 'user', content }], params: { max_tokens: 16 }, promptVersion: 'test/1', attempt: 0, ...extra };
}

/** A logger that keeps its lines (as stderr would show them). */
export function memoryLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const write = (text: string): void => void lines.push(text);
  return { lines, log: { info: write, warn: (m) => write(`warning: ${m}`), error: (m) => write(`error: ${m}`), line: write } };
}

/** A promise with its resolve handle, for doubles that answer when a test says so. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
