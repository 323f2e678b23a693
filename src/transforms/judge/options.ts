import { z } from 'zod';
import { decimal, flag, integer } from '../../core/option-types.js';
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
  /** `max_tokens` of this judge's requests. @default the stage's `maxTokens` */
  max_tokens?: number;
  /** Sampling temperature of this judge's requests. @default the stage's `temperature`, else the server's */
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

export const JudgeOptionsSchema = z
  .object({
  ...endpointOptionShape,
  /** The judge panel. @default DeepSeek-V3.2, Qwen3-235B-A22B-Thinking-2507 and Kimi-K2.6 on Chutes */
  judges: judgeList().default(DEFAULT_JUDGES.map((model) => ({ model }))),
  /** `max_tokens` of each judge request (reasoning included) unless a judge sets its own. @default 16384 */
  maxTokens: integer(1).default(16384),
  /** Sampling temperature of judge requests unless a judge sets its own; omitted when unset (the server's default). */
  temperature: decimal(0, 2).optional(),
  /** Requests per (judge, order) while replies cannot be parsed; then the verdict is an abstention. @default 2 */
  attempts: integer(1, 20).default(2),
  /** What the challenger is compared with: the blind king, or the dataset's own next turn (`assistant`). @default king */
  against: z.enum(['king', 'reference'], { error: 'expected king or reference' }).default('king'),
  /** Parsed fraction of verdicts below which a turn gets `score: null`. @default 0.5 */
  minParsed: decimal(0, 1).default(0.5),
  /** Show the judges the gold patch as a reference for correctness and progress. @default true */
  goldPatch: flag().default(true),
  /** Send the verdict schema as `response_format` (json_schema, strict). @default true */
  structured: flag().default(true),
  /** Count judge calls that failed after every retry as abstentions instead of failing the record (transient). @default false */
  abstainOnFailure: flag().default(false),
  /** Bootstrap resamples for the per-turn lower bound. @default 1000 */
  bootstrap: integer(1, 1_000_000).default(1000),
  /** Characters of the conversation shown to the judges at most (system prompt and task included). @default 48000 */
  historyChars: integer(4000).default(48_000),
  /** How much of the panel a turn asks: `adaptive` stops once the bucket is settled, `confident` once it is likely enough, `full` asks all. @default adaptive */
  panel: z.enum(PANEL_MODES, { error: `expected one of ${PANEL_MODES.join('|')}` }).default('adaptive'),
  /** `--panel confident` stops once the chance that the full panel puts the turn in another bucket is below 1 - this. @default 0.98 */
  agreement: decimal(0.5, 1).default(0.98),
  /** The bucket thresholds the panel stops on: td report's `--final-min` (set them alike). @default 80 */
  finalMin: decimal(0, 100).default(80),
  /** The bucket thresholds the panel stops on: td report's `--defeat-min` (set them alike). @default 66 */
  defeatMin: decimal(0, 100).default(66),
})
  .superRefine((options, ctx) => {
    if (options.finalMin < options.defeatMin) {
      ctx.addIssue({ code: 'custom', path: ['finalMin'], input: options.finalMin, message: `expected a score of at least --defeat-min (${options.defeatMin})` });
    }
  });
export type JudgeOptions = z.infer<typeof JudgeOptionsSchema>;

export const JUDGE_FLAGS: readonly FlagSpec[] = [
  {
    key: 'judges',
    flags: '-j, --judges <list>',
    description: `judge models, comma-separated; per judge: model@max_tokens=N@temperature=T; "rules" is td's offline rules judge`,
    defaultText: DEFAULT_JUDGES.join(','),
  },
  { key: 'maxTokens', flags: '--max-tokens <n>', description: 'max_tokens of each judge request unless the judge sets its own (reasoning included)', defaultText: '16384' },
  { key: 'temperature', flags: '--temperature <t>', description: "sampling temperature unless the judge sets its own (default: the server's)" },
  { key: 'attempts', flags: '--attempts <n>', description: 'requests per judge and order while replies cannot be parsed (then: abstention)', defaultText: '2' },
  { key: 'against', flags: '--against <side>', description: "compare the challenger with: king, or reference (the dataset's own turn)", defaultText: 'king' },
  { key: 'minParsed', flags: '--min-parsed <fraction>', description: 'parsed fraction of verdicts below which score is null', defaultText: '0.5' },
  { key: 'goldPatch', flags: '--gold-patch', description: 'show the judges the gold patch as a reference (default)' },
  { key: 'goldPatch', flags: '--no-gold-patch', description: 'do not show the judges the gold patch' },
  { key: 'structured', flags: '--no-structured', description: 'do not send the verdict schema as response_format (for servers that reject it)' },
  { key: 'abstainOnFailure', flags: '--abstain-on-failure', description: 'count calls that failed after every retry as abstentions instead of failing the record (transient)' },
  { key: 'bootstrap', flags: '--bootstrap <n>', description: 'bootstrap resamples for the per-turn lower bound', defaultText: '1000' },
  { key: 'historyChars', flags: '--history-chars <n>', description: 'characters of the conversation shown to the judges at most', defaultText: '48000' },
  {
    key: 'panel',
    flags: '--panel <mode>',
    description: 'adaptive: stop asking once no verdict left could change the bucket; confident: also once the bucket is likely enough (--agreement); full: every judge in both orders',
    defaultText: 'adaptive',
  },
  { key: 'agreement', flags: '--agreement <p>', description: "--panel confident: stop once the full panel's bucket would differ with a chance below 1 - p", defaultText: '0.98' },
  { key: 'finalMin', flags: '--final-min <score>', description: "the final bucket's lowest score the panel stops on (td report's --final-min)", defaultText: '80' },
  { key: 'defeatMin', flags: '--defeat-min <score>', description: "the refined bucket's lowest score the panel stops on (td report's --defeat-min)", defaultText: '66' },
  ...ENDPOINT_FLAGS,
];
