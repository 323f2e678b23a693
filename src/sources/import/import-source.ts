import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import streamArray from 'stream-json/streamers/stream-array.js';
import type { Pr } from '../../contract/pr.js';
import { RECORD_CONTRACTS, type RecordKind } from '../../contract/record-kinds.js';
import { EXIT } from '../../core/exit-codes.js';
import { fail, ok, type Outcome } from '../../core/outcome.js';
import type { JsonObject, StageRuntime } from '../../core/session.js';
import type { RunContext, SourceStage, Sourced } from '../../core/stage.js';
import { TdError } from '../../core/td-error.js';
import { formatZodError } from '../../core/zod-format.js';
import { toPr } from '../sample/pr-table.js';
import type { ImportOptions } from './options.js';
import { SeedAnswerSchema, SeedCommitRepoSchema, SeedPromptSchema, SeedScoreSchema } from './seed-files.js';
import { seedJudgement } from './seed-judgement.js';
import { outsideSeed, promptStem, readSeedLayout, type SeedLayout } from './seed-layout.js';

/** Commit files kept parsed at once: the rollouts of one PR sit together, so a small window suffices. */
const COMMIT_CACHE_SIZE = 64;

interface ImportPlan {
  layout: SeedLayout;
  as: RecordKind;
  answerDir: string | undefined;
  against: 'king' | 'reference';
}

/**
 * `td import DIR`: a seed run directory as td records, prompt by prompt, in prompt-file order (number
 * order) and array order. Prompt files are streamed (stream-json), so memory does not grow with their
 * size; answers, scores and commits are read per prompt. Every prompt of a readable file ends in the
 * output or in the errors file with its reason; a file that breaks off is one entry, and the rest of it
 * is not read (see docs/run.md for the layout and each file's schema).
 */
export async function createImportSource(options: ImportOptions, runtime: StageRuntime): Promise<SourceStage> {
  const plan = planImport(options);
  const { layout, as, answerDir } = plan;
  const prompts = `${layout.promptFiles.length} prompt file${layout.promptFiles.length === 1 ? '' : 's'}`;
  runtime.log.info(`importing ${prompts} from ${layout.dir} as ${as} records${answerDir ? ` (answers from ${answerDir}/)` : ''}`);
  return { run: (ctx) => importRecords(plan, ctx) };
}

function planImport(options: ImportOptions): ImportPlan {
  const layout = readSeedLayout(options.dir);
  const as = options.as ?? (layout.hasScores ? 'scored' : layout.answerDirs.length > 0 ? 'duel' : 'turn');
  if (as === 'scored' && !layout.hasScores) throw new TdError(`--as scored: ${layout.dir} has no score/ directory`, EXIT.noInput, 'no-input');
  let answerDir: string | undefined;
  if (as !== 'turn') {
    if (options.answers !== undefined) {
      if (!layout.answerDirs.includes(options.answers)) {
        throw new TdError(`--answers ${options.answers}: no such answer directory in ${layout.dir} (it has: ${layout.answerDirs.join(', ') || 'none'})`, EXIT.noInput, 'no-input');
      }
      answerDir = options.answers;
    } else if (layout.answerDirs.length === 1) {
      answerDir = layout.answerDirs[0];
    } else if (layout.answerDirs.length === 0) {
      throw new TdError(`--as ${as}: ${layout.dir} has no answer_* directory`, EXIT.noInput, 'no-input');
    } else {
      throw new TdError(`${layout.dir} has several answer directories (${layout.answerDirs.join(', ')}): choose one with --answers`, EXIT.usage, 'usage');
    }
  }
  return { layout, as, answerDir, against: options.against };
}

async function* importRecords(plan: ImportPlan, ctx: RunContext): AsyncGenerator<Sourced<JsonObject>> {
  const commits = new CommitCache(plan.layout);
  for (const file of plan.layout.promptFiles) {
    if (ctx.stopSignal.aborted) return;
    const stem = promptStem(file);
    let last = -1;
    let broken: Sourced<never> | undefined;
    const outside = await outsideSeed(plan.layout, file);
    if (outside !== undefined) {
      yield { ok: false, failure: { kind: 'invalid', reason: 'bad-prompt-file', message: outside }, source: file, line: 0 };
      continue;
    }
    try {
      for await (const { key, value } of readPromptArray(join(plan.layout.dir, file))) {
        if (ctx.stopSignal.aborted) return;
        last = key;
        const where = { source: file, line: key + 1 };
        const outcome = await importPrompt(value, { file, index: key, stem }, plan, commits);
        yield outcome.ok ? { ...outcome, ...where } : { ...outcome, ...where, replay: { record: value } };
      }
    } catch (error) {
      // Past a syntax error the prompts of the file cannot be told apart, let alone counted: the entry
      // says that the rest of the file was not read (docs/run.md says so too).
      const after = last < 0 ? '' : ` (after item ${last})`;
      const message = `not a JSON array of prompts${after}: ${(error as Error).message}; the rest of the file is not read (fix it and import again)`;
      broken = { ok: false, failure: { kind: 'invalid', reason: 'bad-prompt-file', message }, source: file, line: 0 };
    }
    if (broken) yield broken;
  }
}

function readPromptArray(path: string): AsyncIterable<{ key: number; value: unknown }> {
  const items = streamArray.withParserAsStream();
  const input = createReadStream(path);
  input.on('error', (error) => items.destroy(error));
  return input.pipe(items);
}

async function importPrompt(value: unknown, at: { file: string; index: number; stem: string }, plan: ImportPlan, commits: CommitCache): Promise<Outcome<JsonObject>> {
  const prompt = SeedPromptSchema.safeParse(value, { reportInput: true });
  if (!prompt.success) return fail('invalid', 'bad-prompt', formatZodError(prompt.error));
  const p = prompt.data;
  const key = `${at.stem}_${at.index}`;

  const commit = await commits.get(p.instance_id);
  if (!commit.ok) return fail('invalid', commit.reason, commit.message);

  let record: JsonObject = {
    id: p.id ?? key,
    instance_id: p.instance_id,
    repo: p.repo ?? commit.repo ?? repoFromInstance(p.instance_id),
    turn: p.turn ?? p.messages.length,
    // The messages as read (checked above): the schema's copy puts unknown keys last and drops `__proto__`.
    messages: (value as { messages: unknown }).messages,
    ...(p.assistant === undefined ? {} : { assistant: p.assistant }),
    pr: commit.pr,
    source: { file: at.file, row: at.index },
  };

  if (plan.as !== 'turn') {
    const path = `${plan.answerDir}/${key}.json`;
    const answer = await readSeedFile(plan.layout, path, SeedAnswerSchema);
    if (answer.missing) return fail('filtered', 'no-answer', `no answer file ${path}`);
    if (!answer.ok) return fail('invalid', 'bad-answer', answer.message);
    const a = answer.value;
    if (a.instance_id !== p.instance_id) return fail('invalid', 'bad-answer', `${path}: instance_id: expected ${JSON.stringify(p.instance_id)} (the prompt's), got ${JSON.stringify(a.instance_id)}`);
    record = { ...record, assistant: p.assistant ?? a.assistant, king: a.king, challenger: a.challenger, source: { ...(record.source as object), answer: path } };
  }

  if (plan.as === 'scored') {
    const path = `score/${key}.json`;
    const score = await readSeedFile(plan.layout, path, SeedScoreSchema);
    if (score.missing) return fail('filtered', 'no-score', `no score file ${path}`);
    if (!score.ok) return fail('invalid', 'bad-score', score.message);
    const s = score.value;
    if (s.instance_id !== undefined && s.instance_id !== p.instance_id) return fail('invalid', 'bad-score', `${path}: instance_id: expected ${JSON.stringify(p.instance_id)} (the prompt's), got ${JSON.stringify(s.instance_id)}`);
    record = { ...record, score: s.score, judgement: seedJudgement(s, plan.against, String(record.id)), source: { ...(record.source as object), score: path } };
  }

  const contract = RECORD_CONTRACTS[plan.as];
  const checked = contract.safeParse(record, { reportInput: true });
  if (!checked.success) return fail('invalid', 'bad-record', `the imported record breaks the ${plan.as} contract: ${formatZodError(checked.error)}`);
  return ok(record);
}

/** `owner__name-123` -> `owner/name` (SWE-bench's instance id convention); '' when it does not follow it. */
export function repoFromInstance(instanceId: string): string {
  const match = /^(.+?)__(.+)-\d+$/.exec(instanceId);
  return match ? `${match[1]}/${match[2]}` : '';
}

type SeedRead<T> = { ok: true; missing?: false; value: T } | { ok: false; missing: true } | { ok: false; missing?: false; message: string };

async function readSeedFile<T>(layout: SeedLayout, path: string, schema: z.ZodType<T>): Promise<SeedRead<T>> {
  const outside = await outsideSeed(layout, path);
  if (outside !== undefined) return { ok: false, message: outside };
  let text: string;
  try {
    text = await readFile(join(layout.dir, path), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true };
    return { ok: false, message: `${path}: cannot read: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${path}: invalid JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json, { reportInput: true });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: `${path}: ${formatZodError(parsed.error)}` };
}

type CommitResult = { ok: true; pr: Pr; repo: string | undefined } | { ok: false; reason: string; message: string };

/** `commit/<instance_id>.json`, parsed once per instance while it is among the last few used. */
class CommitCache {
  private readonly entries = new Map<string, Promise<CommitResult>>();

  constructor(private readonly layout: SeedLayout) {}

  get(instanceId: string): Promise<CommitResult> {
    let entry = this.entries.get(instanceId);
    if (entry) {
      this.entries.delete(instanceId);
    } else {
      entry = this.load(instanceId);
      if (this.entries.size >= COMMIT_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(instanceId, entry);
    return entry;
  }

  private async load(instanceId: string): Promise<CommitResult> {
    const path = `commit/${instanceId}.json`;
    if (instanceId.includes('/') || instanceId.startsWith('.')) return { ok: false, reason: 'bad-prompt', message: `instance_id ${JSON.stringify(instanceId)} cannot name a file under commit/` };
    const read = await readSeedFile(this.layout, path, SeedCommitRepoSchema);
    if (read.missing) return { ok: false, reason: 'no-commit', message: `no commit file ${path}` };
    if (!read.ok) return { ok: false, reason: 'bad-commit', message: read.message };
    // td sample always has a created_at column (maybe null); a commit file may leave it out.
    const pr = toPr({ instance_id: instanceId, created_at: null, ...read.value });
    if (!pr.ok) return { ok: false, reason: 'bad-commit', message: `${path}: ${pr.message}` };
    return { ok: true, pr: pr.pr, repo: read.value.repo };
  }
}
