import type { StageRuntime } from '../core/session.js';
import type { ChatModel } from '../llm/chat-model.js';
import type { EndpointOptions } from '../llm/endpoint-options.js';
import { openEndpointModel, requirePrices } from '../llm/open-endpoint.js';
import { offlineGenerationModel } from './generate/offline-models.js';
import { rulesJudgeModel } from './judge/rules-model.js';

/**
 * The one place that knows models by name: `td/...` names are td's own offline models, anything else
 * is a model of the stage's OpenAI-compatible endpoint. Stages ask here and see only `ChatModel`s.
 */

/** Model names starting with this are td's own offline models: no HTTP, no key, no cache. */
export const OFFLINE_PREFIX = 'td/';
/** The judge name that selects td's offline rules judge instead of a model. */
export const RULES_JUDGE = 'td/rules';
/** Short names accepted for offline models (`--judges rules`). */
const ALIASES: Readonly<Record<string, string>> = { rules: RULES_JUDGE };

export function isOfflineModel(model: string): boolean {
  return model.startsWith(OFFLINE_PREFIX);
}

/** A model's name as verdicts and calls are labelled with it (`rules` is `td/rules`). */
export function canonicalModelName(name: string): string {
  return ALIASES[name] ?? name;
}

/**
 * The model a generation stage (king, challenge) asks for its `--model`: `td/replay` or `td/repair`
 * offline (an unknown `td/` name is a configuration error naming them), else the endpoint (which needs
 * its key: a missing one is exit 78 before any input is read).
 */
export function openGenerationModel(runtime: StageRuntime, options: EndpointOptions & { model: string }): ChatModel {
  if (isOfflineModel(options.model)) return offlineGenerationModel(options.model, runtime);
  requirePrices(runtime, options, [options.model]);
  return openEndpointModel(runtime, options);
}

/**
 * The models of a judge panel, by judge name: `td/rules` offline, every other name a model of the one
 * endpoint the stage shares among its judges, opened on the first such name (a panel of the rules judge
 * alone opens none and needs no key).
 */
export function openJudgeModels(runtime: StageRuntime, options: EndpointOptions, names: readonly string[]): Map<string, ChatModel> {
  requirePrices(runtime, options, names.filter((name) => name !== RULES_JUDGE));
  let endpoint: ChatModel | undefined;
  return new Map(names.map((name) => [name, name === RULES_JUDGE ? rulesJudgeModel() : (endpoint ??= openEndpointModel(runtime, options))]));
}
