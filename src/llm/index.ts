/** The LLM layer shared by the generation stages and the judge: see docs/llm.md. */
export type { ChatModel, ChatRequest, ChatResult, ChatFailure, ChatSubject, CallOptions } from './chat-model.js';
export { openEndpointModel, type EndpointModel } from './open-endpoint.js';
export { askUntilAccepted, type ReplyCheck, type Asked } from './ask-until-accepted.js';
export { mockChatModel, mockReply, mockFailure, type MockChatModel, type MockCall, type MockAnswer } from './mock-chat-model.js';
export {
  endpointOptionShape,
  EndpointOptionsSchema,
  ENDPOINT_FLAGS,
  generationOptionShape,
  GENERATION_FLAGS,
  DEFAULT_BASE_URL,
  DEFAULT_API_KEY_ENV,
  type EndpointOptions,
} from './endpoint-options.js';
export { resolveEndpoint, defaultCacheDir, type Endpoint } from './endpoint.js';
export { parseReply, replyProblem, REPLY_PROBLEM_TEXT, type Reply, type Usage } from './reply.js';
export { stageMeta, llmTotalsLine, LLM_COUNTERS } from './accounting.js';
export { cacheKey, canonicalJson, CACHE_FORMAT, type CanonicalRequest } from './cache-key.js';
export { RequestCache } from './request-cache.js';
export { EndpointLimiter } from './limiter.js';
export { loadPriceTable, costOf, type PriceTable } from './prices.js';
