import { z } from 'zod';
import { decimal, flag, integer } from '../../core/option-types.js';
import { flagsOf, option } from '../../core/option-flags.js';
import type { FlagSpec } from '../../core/stage-spec.js';
import { DEFAULT_MODEL, ENDPOINT_FLAGS, endpointOptionShape } from '../../llm/endpoint-options.js';
import { canonicalModelName } from '../chat-models.js';
import { PANEL_MODES } from './panel.js';

/**
 * The default panel: one judge each from the DeepSeek, Qwen3-Thinking and Kimi families, under the ids
 * Chutes serves them with. They are defaults to override (`--judges`): Chutes renames models as new
 * versions come out.
 */
export const DEFAULT_JUDGES: readonly string[] = ['deepseek-ai/DeepSeek-V3.2-TEE', 'Qwen/Qwen3-235B-A22B-Thinking-2507-TEE', DEFAULT_MODEL];

/** One judge of the panel: a model, with its own request settings when they differ from the stage's. */
export interface JudgeSetting {
  model: string;
  /** `max_tokens` of this judge's requests; unset: the stage's `maxTokens`. */
  max_tokens?: number;
  /** Sampling temperature of this judge's requests; unset: the stage's `temperature`, else the server's. */
  temperature?: number;
}

const JudgeSettingSchema = z.strictObject({
  model: z.string({ error: 'expected a model name' }).trim().min(1, { error: 'expected a model name' }),
  max_tokens: integer(1).optional(),
  temperature: decimal(0, 2).optional(),
});

/**
 * `model@key=value@key=value` (the CLI's per-judge override syntax): `Qwen/Qwen3-235B-A22B-Thinking-2507-TEE@max_tokens=32768`.
 * `@` rather than `:` because OpenAI-compatible model ids may hold a colon (`llama3:8b`, `...:free`).
 */
function judgeFromText(text: string): unknown {
  const [model, ...settings] = text.split('@').map((part) => part.trim());
  // A malformed setting is kept under its own name, so the strict object schema names it in the message
  // (defined, not assigned: `@__proto__=1` must reach the schema as a key, not become a prototype).
  const entries = settings.map((setting): [string, unknown] => {
    const eq = setting.indexOf('=');
    return eq < 0 ? [setting, true] : [setting.slice(0, eq).trim().replace(/-/g, '_'), setting.slice(eq + 1).trim()];
  });
  return Object.fromEntries([['model', model], ...entries]);
}

/** Accepts `maxTokens` and `max-tokens` as well as `max_tokens` in a pipeline file's judge table. */
function judgeFromObject(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key === 'maxTokens' || key === 'max-tokens' ? 'max_tokens' : key, v]));
}

/**
 * The panel: a comma-separated string from the CLI (`a,b@max_tokens=32768,rules`), or a list from a
 * pipeline file whose items are model names or `{model, max_tokens?, temperature?}` tables. Judges are
 * unique by model (a verdict is labelled by its judge's model).
 */
export function judgeList() {
  return z
    .preprocess(
      (value) => {
        const items = typeof value === 'string' ? value.split(',').map((part) => part.trim()).filter((part) => part !== '') : value;
        if (!Array.isArray(items)) return items;
        return items.map((item) => (typeof item === 'string' ? judgeFromText(item) : item !== null && typeof item === 'object' ? judgeFromObject(item as Record<string, unknown>) : item));
      },
      z
        .array(JudgeSettingSchema, { error: 'expected a comma-separated list of judge models (model or model@max_tokens=N@temperature=T)' })
        .min(1, { error: 'expected at least one judge' }),
    )
    .transform((judges, ctx): JudgeSetting[] => {
      const seen = new Set<string>();
      const out: JudgeSetting[] = [];
      for (const [index, judge] of judges.entries()) {
        const model = canonicalModelName(judge.model);
        if (seen.has(model)) ctx.addIssue({ code: 'custom', path: [index], message: `judge ${JSON.stringify(model)} is listed twice`, input: judge.model });
        seen.add(model);
        out.push({ model, ...(judge.max_tokens === undefined ? {} : { max_tokens: judge.max_tokens }), ...(judge.temperature === undefined ? {} : { temperature: judge.temperature }) });
      }
      return out;
    });
}

/** The judge's own options (the endpoint's are spread in beside them), in the order `--help` lists them. */
const judgeOptionShape = {
  /** The judge panel: DeepSeek-V3.2, Qwen3-235B-A22B-Thinking-2507 and Kimi-K2.6 on Chutes unless given. */
  judges: option(judgeList().default(DEFAULT_JUDGES.map((model) => ({ model }))), {
    flags: '-j, --judges <list>',
    help: `judge models, comma-separated; per judge: model@max_tokens=N@temperature=T; "rules" is td's offline rules judge`,
    show: (judges: JudgeSetting[]) => judges.map((judge) => judge.model).join(','),
  }),
  /** `max_tokens` of each judge request (reasoning included) unless a judge sets its own. */
  maxTokens: option(integer(1).default(16384), {
    flags: '--max-tokens <n>',
    help: 'max_tokens of each judge request unless the judge sets its own (reasoning included)',
  }),
  /** Sampling temperature of judge requests unless a judge sets its own; omitted when unset (the server's default). */
  temperature: option(decimal(0, 2).optional(), { flags: '--temperature <t>', help: 'sampling temperature unless the judge sets its own', unset: "the server's" }),
  /** Requests per (judge, order) while replies cannot be parsed; then the verdict is an abstention. */
  attempts: option(integer(1, 20).default(2), {
    flags: '--attempts <n>',
    help: 'requests per judge and order while replies cannot be parsed (then: abstention)',
  }),
  /** What the challenger is compared with: the blind king, or the dataset's own next turn (`assistant`). */
  against: option(z.enum(['king', 'reference'], { error: 'expected king or reference' }).default('king'), {
    flags: '--against <side>',
    help: "compare the challenger with: king, or reference (the dataset's own turn)",
  }),
  /** Parsed fraction of verdicts below which a turn gets `score: null`. */
  minParsed: option(decimal(0, 1).default(0.5), { flags: '--min-parsed <fraction>', help: 'parsed fraction of verdicts below which score is null' }),
  /** Show the judges the gold patch as a reference for correctness and progress. */
  goldPatch: option(
    flag().default(true),
    { flags: '--gold-patch', help: 'show the judges the gold patch as a reference' },
    { flags: '--no-gold-patch', help: 'do not show the judges the gold patch' },
  ),
  /** Send the verdict schema as `response_format` (json_schema, strict). */
  structured: option(flag().default(true), {
    flags: '--no-structured',
    help: 'do not send the verdict schema as response_format (for servers that reject it)',
  }),
  /** Count judge calls that failed after every retry as abstentions instead of failing the record (transient). */
  abstainOnFailure: option(flag().default(false), {
    flags: '--abstain-on-failure',
    help: 'count calls that failed after every retry as abstentions instead of failing the record (transient)',
  }),
  /** Bootstrap resamples for the per-turn lower bound. */
  bootstrap: option(integer(1, 1_000_000).default(1000), { flags: '--bootstrap <n>', help: 'bootstrap resamples for the per-turn lower bound' }),
  /** Characters of the conversation shown to the judges at most (system prompt and task included). */
  historyChars: option(integer(4000).default(48_000), {
    flags: '--history-chars <n>',
    help: 'characters of the conversation shown to the judges at most',
  }),
  /** How much of the panel a turn asks: `adaptive` stops once the bucket is settled, `confident` once it is likely enough, `full` asks all. */
  panel: option(z.enum(PANEL_MODES, { error: `expected one of ${PANEL_MODES.join('|')}` }).default('adaptive'), {
    flags: '--panel <mode>',
    help: 'adaptive: stop asking once no verdict left could change the bucket; confident: also once the bucket is likely enough (--agreement); full: every judge in both orders',
  }),
  /** `--panel confident` stops once the chance that the full panel puts the turn in another bucket is below 1 - this. */
  agreement: option(decimal(0.5, 1).default(0.98), {
    flags: '--agreement <p>',
    help: "--panel confident: stop once the full panel's bucket would differ with a chance below 1 - p",
  }),
  /** The bucket thresholds the panel stops on: td report's `--final-min` (set them alike). */
  finalMin: option(decimal(0, 100).default(80), {
    flags: '--final-min <score>',
    help: "the final bucket's lowest score the panel stops on (td report's --final-min)",
  }),
  /** The bucket thresholds the panel stops on: td report's `--defeat-min` (set them alike). */
  defeatMin: option(decimal(0, 100).default(66), {
    flags: '--defeat-min <score>',
    help: "the refined bucket's lowest score the panel stops on (td report's --defeat-min)",
  }),
};

export const JudgeOptionsSchema = z.object({ ...endpointOptionShape, ...judgeOptionShape }).superRefine((options, ctx) => {
  if (options.finalMin < options.defeatMin) {
    ctx.addIssue({ code: 'custom', path: ['finalMin'], input: options.finalMin, message: `expected a score of at least --defeat-min (${options.defeatMin})` });
  }
});
export type JudgeOptions = z.infer<typeof JudgeOptionsSchema>;

export const JUDGE_FLAGS: readonly FlagSpec[] = [...flagsOf(judgeOptionShape), ...ENDPOINT_FLAGS];
