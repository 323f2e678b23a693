import type { StageRuntime } from '../../core/session.js';
import type { EndpointOptions } from '../../llm/endpoint-options.js';
import { openLlm, type LlmRequest, type LlmResult } from '../../llm/llm.js';
import { isOfflineModel, openOfflineProvider } from './offline-provider.js';

/**
 * Where a generation stage gets its turns: an OpenAI-compatible endpoint (`Llm`), or, for a model named
 * `td/...`, an offline provider that answers from the record itself without HTTP, key or cache.
 */
export interface TurnProvider {
  /**
   * Answers one request. `reference` is the dataset's own next turn: offline providers build their
   * answer from it; an endpoint never sees it (it is not part of the request).
   */
  complete(request: LlmRequest, options?: { signal?: AbortSignal | undefined; reference?: string | undefined }): Promise<LlmResult>;
  /** The end-of-stage line for stderr. */
  totalsLine(): string;
  /** True for an offline provider: its turns are labelled `offline: true` in `meta.<stage>`. */
  readonly offline?: boolean;
  /**
   * Whether replies must pass the format gate. False for a replay of the dataset's turn, which is kept as
   * the dataset has it (judging it, format problems included, is the point). @default true
   */
  readonly formatGate?: boolean;
}

/** The provider for a stage's `--model`: offline for `td/...` names, else the endpoint (which needs its key). */
export function openTurnProvider(runtime: StageRuntime, options: EndpointOptions & { model: string }): TurnProvider {
  return isOfflineModel(options.model) ? openOfflineProvider(options.model, runtime) : openLlm(runtime, options);
}
