import type { TurnRecord } from '../../contract/turn.js';
import { ok, type Outcome } from '../../core/outcome.js';
import type { JsonObject, StageRuntime } from '../../core/session.js';
import type { StageContext, TransformStage } from '../../core/stage.js';
import { TurnRecordSchema } from '../../contract/turn.js';
import { stageMeta } from '../../llm/accounting.js';
import type { ChatModel, ChatRequest } from '../../llm/chat-model.js';
import { generateTurn, stageConcurrency, type GenerationSettings } from './generate.js';

/** What makes one generation stage (king, challenge) different from another. */
export interface GenerationStageSpec {
  /** The field the turn is written to, also the key of its provenance under `meta`: `king`, `challenger`. */
  field: string;
  promptVersion: string;
  /** The request's messages for a record: what the model may see. */
  messages: (record: TurnRecord) => ChatRequest['messages'];
  /** A record left out before any call (`--exclude`), or undefined to ask. */
  skip?: (record: TurnRecord) => Outcome<never> | undefined;
  /** Fields added after the turn (the challenger's `leak`), or a failure that leaves the record out. */
  inspect?: (record: TurnRecord, text: string, ctx: StageContext) => { fields: JsonObject } | { failure: Outcome<never> };
  /** Lines for stderr at the end, after the model's totals. */
  closingLines?: () => string[];
}

/**
 * A generation stage: for every turn record, asks `model` (`openGenerationModel`: an endpoint or an
 * offline model) for the agent's next turn from the stage's messages, until a reply passes the
 * format gate, and adds it as `field` with its provenance under `meta.<field>`; every other field passes
 * through untouched. The request's subject is the record's history and reference turn: offline models
 * answer from it; an endpoint never sees it.
 */
export function createGenerationStage(
  spec: GenerationStageSpec,
  model: ChatModel,
  options: GenerationSettings & { concurrency: number },
  runtime: StageRuntime,
): TransformStage<TurnRecord, JsonObject> {
  return {
    input: TurnRecordSchema,
    // Records in progress exceed requests in flight, so cache reads and writes overlap the requests: the
    // endpoint limiter, not the stage, bounds what is in flight at the server.
    recordsInFlight: stageConcurrency(options.concurrency),
    run: async (record, ctx) => {
      const skipped = spec.skip?.(record);
      if (skipped) return skipped;
      const prompt = { messages: spec.messages(record), promptVersion: spec.promptVersion, subject: { history: record.messages, reference: record.assistant } };
      const generated = await generateTurn(model, prompt, options, { signal: ctx.signal, stats: ctx.runtime.stats });
      if (!generated.ok) return { ok: false, failure: generated.failure };
      const inspected = spec.inspect?.(record, generated.text, ctx);
      if (inspected && 'failure' in inspected) return inspected.failure;
      const meta = { ...(record.meta ?? {}), [spec.field]: stageMeta(generated.calls, { model: options.model, prompt_version: spec.promptVersion, ...model.provenance }) };
      return ok({ ...record, [spec.field]: generated.text, ...inspected?.fields, meta });
    },
    close: () => {
      if (runtime.stats.in === 0) return;
      const totals = model.totalsLine();
      if (totals !== undefined) runtime.log.info(totals);
      for (const line of spec.closingLines?.() ?? []) runtime.log.info(line);
    },
  };
}
