/** The LLM layer shared by the generation stages and the judge: see docs/llm.md. */
export { openLlm, Llm, type LlmRequest, type LlmResult } from './llm.js';
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
export { cacheKey, canonicalJson, CACHE_FORMAT, RequestCache, type CanonicalRequest } from './cache.js';
export { EndpointLimiter } from './limiter.js';
export { loadPriceTable, costOf, type PriceTable } from './prices.js';
