import { readFileSync } from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import type { StageSpec } from '../core/stage-spec.js';
import { EXIT } from '../core/exit-codes.js';
import { fileError } from '../core/file-error.js';
import { TdError } from '../core/td-error.js';
import { endpointOptionShape } from '../llm/endpoint-options.js';
import { CommonOptionsSchema, type CommonOptions } from './common-options.js';
import type { ChainPlan, ChainStage } from './compose.js';
import { originLabel, parseAssigned, type Assigned, type SettingProblem } from './assigned-options.js';
import { camelKey, kebabKey, optionKeys, schemaKeys } from './option-keys.js';
import { TomlLines } from './toml-lines.js';

/** The seed's `chain.toml` kept its gate thresholds under `[duel]`: the same table as `[report]`. */
export const TABLE_ALIASES: Readonly<Record<string, string>> = { duel: 'report' };
/** Keys under the seed's names: its chain.toml listed the judge panel as `[judge] models`. */
export const KEY_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = { judge: { models: 'judges' } };
/** Process settings (the flags every command takes), overridden by `td run`'s own flags. */
export const RUN_TABLE = 'run';
/** Endpoint settings for every LLM stage of the file; a stage's own table wins. */
export const LLM_TABLE = 'llm';

const RUN_KEYS = schemaKeys(CommonOptionsSchema)!;
const LLM_KEYS = Object.keys(endpointOptionShape);

/** One stage of a pipeline file, with its options parsed by its own schema. */
export type PipelineStage = ChainStage;

/** A pipeline file, read: what `composeStages` builds the chain from. */
export interface Pipeline extends ChainPlan {
  file: string;
  /** In file order: a source (if any) first, a sink (if any) last. */
  stages: PipelineStage[];
  /** `[run]`, then `--set run.*`, then `td run`'s flags. */
  common: CommonOptions;
}

export interface PipelineArgs {
  /** `--set table.key=value` arguments, in order (a later one wins). */
  sets?: readonly string[];
  /** Process flags given on the command line (undefined = not given), by option key. */
  flags?: Readonly<Record<string, unknown>>;
  /** Flag names for messages about `flags`, by option key. */
  flagNames?: Readonly<Record<string, string>>;
}

type Table = Record<string, unknown>;

/**
 * Reads a pipeline file: one TOML table per stage, in the order they run, each holding that stage's
 * options under the names its flags have (kebab-case or snake_case), plus `[run]` and `[llm]`. Every
 * value goes through the stage's own options schema. Problems are collected and thrown together, one
 * line each, naming the file, line and key: a bad file is exit 78, a bad `--set` or flag exit 64.
 */
export function loadPipeline(file: string, registry: readonly StageSpec[], args: PipelineArgs = {}): Pipeline {
  const text = readPipelineText(file);
  let document: Table;
  try {
    document = parse(text) as Table;
  } catch (error) {
    if (error instanceof TomlError) {
      const what = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new TdError(`${file}:${error.line}:${error.column}: invalid TOML: ${what}`, EXIT.config, 'config');
    }
    throw error;
  }
  return new PipelineReader(file, text, document, registry).read(args);
}

function readPipelineText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw fileError('cannot read pipeline file', file, error, EXIT.noInput);
  }
}

class PipelineReader {
  private readonly lines: TomlLines;
  private readonly problems: SettingProblem[] = [];
  private readonly specs: Map<string, StageSpec>;

  constructor(
    private readonly file: string,
    text: string,
    private readonly document: Table,
    private readonly registry: readonly StageSpec[],
  ) {
    this.lines = new TomlLines(text);
    this.specs = new Map(registry.map((spec) => [spec.name, spec]));
  }

  read(args: PipelineArgs): Pipeline {
    // Settings by table name (stage name after aliases, or run / llm): option key -> value and origin.
    const settings = new Map<string, Map<string, Assigned>>();
    const stageOrder: string[] = [];
    for (const [written, value] of Object.entries(this.document)) {
      const table = TABLE_ALIASES[written] ?? written;
      const keys = this.keysOf(table);
      if (keys === undefined) {
        this.fileProblem(this.lines.header(written) ?? this.lines.key('', written), `[${written}]: unknown table; expected one of ${this.tableNames().join(', ')}`);
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        this.fileProblem(this.lines.key('', written), `${written}: expected a table ([${written}]), got ${Array.isArray(value) ? 'an array' : typeof value}`);
        continue;
      }
      if (this.specs.has(table) && !stageOrder.includes(table)) stageOrder.push(table);
      const assigned = settings.get(table) ?? new Map<string, Assigned>();
      settings.set(table, assigned);
      this.collectTable(written, value as Table, keys, assigned);
    }
    for (const text of args.sets ?? []) this.applySet(text, settings, stageOrder);

    const stages = this.checkOrder(stageOrder);
    const llm = settings.get(LLM_TABLE) ?? new Map<string, Assigned>();
    const parsedStages: PipelineStage[] = [];
    for (const spec of stages) {
      const own = settings.get(spec.name)!;
      const accepted = new Set(optionKeys(spec.options, spec.flags));
      const assigned = new Map<string, Assigned>();
      // Only stages that take the whole endpoint shape are LLM stages: td sample has a `concurrency` of its own.
      if (LLM_KEYS.every((key) => accepted.has(key))) for (const [key, entry] of llm) assigned.set(key, entry);
      for (const [key, entry] of own) assigned.set(key, entry);
      const parsed = parseAssigned(spec.options, assigned, this.tableOrigin(spec.name));
      if (parsed.ok) parsedStages.push({ spec, options: parsed.options });
      else this.problems.push(...parsed.problems);
    }

    const run = settings.get(RUN_TABLE) ?? new Map<string, Assigned>();
    for (const [key, value] of Object.entries(args.flags ?? {})) {
      if (value !== undefined) run.set(key, { value, origin: { kind: 'flag', flag: args.flagNames?.[key] ?? `--${kebabKey(key)}` } });
    }
    const common = parseAssigned(CommonOptionsSchema, run, this.tableOrigin(RUN_TABLE));
    if (!common.ok) this.problems.push(...common.problems);

    if (this.problems.length > 0 || !common.ok) {
      // File problems in file order, then the command line's in the order given (a stable sort keeps it).
      const ordered = [...this.problems].sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity));
      const lines = [...new Set(ordered.map((problem) => problem.line))];
      const inFile = this.problems.some((problem) => problem.inFile);
      throw new TdError(lines.join('\n'), inFile ? EXIT.config : EXIT.usage, inFile ? 'config' : 'usage');
    }
    return { file: this.file, stages: parsedStages, common: common.options };
  }

  /** The option keys a table takes, or undefined for a table td does not know. */
  private keysOf(table: string): string[] | undefined {
    if (table === RUN_TABLE) return RUN_KEYS;
    if (table === LLM_TABLE) return LLM_KEYS;
    const spec = this.specs.get(table);
    return spec ? optionKeys(spec.options, spec.flags) : undefined;
  }

  private tableNames(): string[] {
    const aliases = Object.entries(TABLE_ALIASES)
      .filter(([, table]) => this.specs.has(table))
      .map(([alias, table]) => `${alias} (= ${table})`);
    return [RUN_TABLE, LLM_TABLE, ...this.registry.map((spec) => spec.name), ...aliases];
  }

  private collectTable(written: string, table: Table, keys: readonly string[], into: Map<string, Assigned>): void {
    const aliases = KEY_ALIASES[TABLE_ALIASES[written] ?? written] ?? {};
    for (const [writtenKey, value] of Object.entries(table)) {
      const key = aliases[camelKey(writtenKey)] ?? camelKey(writtenKey);
      const line = this.lines.key(written, writtenKey) ?? this.lines.header(written) ?? 1;
      const origin = { kind: 'file' as const, file: this.file, line, table: written, key: writtenKey };
      if (!keys.includes(key)) {
        this.problems.push({ inFile: true, at: line, line: `${originLabel(origin)}: unknown key; valid keys: ${keys.map(kebabKey).join(', ')}` });
        continue;
      }
      const earlier = into.get(key);
      if (earlier) {
        this.problems.push({ inFile: true, at: line, line: `${originLabel(origin)}: set twice (also as ${originLabel(earlier.origin)})` });
        continue;
      }
      into.set(key, { value, origin });
    }
  }

  /** `--set table.key=value`: the value is a string, parsed as a flag's would be. */
  private applySet(text: string, settings: Map<string, Map<string, Assigned>>, stageOrder: readonly string[]): void {
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)=(.*)$/s.exec(text);
    if (!match) {
      this.problems.push({ inFile: false, line: `--set ${text}: expected TABLE.KEY=VALUE (e.g. judge.max-tokens=4096)` });
      return;
    }
    const [, writtenTable, writtenKey, value] = match as unknown as [string, string, string, string];
    const table = TABLE_ALIASES[writtenTable] ?? writtenTable;
    const keys = this.keysOf(table);
    const origin = { kind: 'set' as const, text };
    if (keys === undefined) {
      this.problems.push({ inFile: false, line: `--set ${text}: unknown table ${writtenTable}; expected one of ${this.tableNames().join(', ')}` });
      return;
    }
    if (this.specs.has(table) && !stageOrder.includes(table)) {
      this.problems.push({ inFile: false, line: `--set ${text}: ${this.file} has no [${writtenTable}] stage (its stages: ${stageOrder.join(', ') || 'none'})` });
      return;
    }
    const key = KEY_ALIASES[table]?.[camelKey(writtenKey)] ?? camelKey(writtenKey);
    if (!keys.includes(key)) {
      this.problems.push({ inFile: false, line: `--set ${text}: unknown key ${writtenKey} for [${writtenTable}]; valid keys: ${keys.map(kebabKey).join(', ')}` });
      return;
    }
    const assigned = settings.get(table) ?? new Map<string, Assigned>();
    settings.set(table, assigned);
    assigned.set(key, { value, origin });
  }

  /** A source can only come first and a sink only last; a pipeline needs a stage. */
  private checkOrder(order: readonly string[]): StageSpec[] {
    const stages = order.map((name) => this.specs.get(name)!);
    if (stages.length === 0) {
      this.fileProblem(1, `no stage tables; expected at least one of ${this.registry.map((spec) => spec.name).join(', ')}`);
    }
    stages.forEach((spec, index) => {
      const line = this.tableOrigin(spec.name).line;
      if (spec.kind === 'source' && index > 0) this.fileProblem(line, `[${this.writtenName(spec.name)}]: ${spec.name} produces records, so its table must come first (it comes after [${stages[index - 1]!.name}])`);
      if (spec.kind === 'sink' && index < stages.length - 1) this.fileProblem(line, `[${this.writtenName(spec.name)}]: ${spec.name} consumes records, so its table must come last (it comes before [${stages[index + 1]!.name}])`);
    });
    return stages;
  }

  /** The name a stage's table has in the file (`duel` for report, if so written). */
  private writtenName(table: string): string {
    if (table in this.document) return table;
    return Object.keys(this.document).find((written) => TABLE_ALIASES[written] === table) ?? table;
  }

  private tableOrigin(table: string): { file: string; line: number; table: string } {
    const written = this.writtenName(table);
    return { file: this.file, line: this.lines.header(written) ?? 1, table: written };
  }

  private fileProblem(line: number | undefined, message: string): void {
    this.problems.push({ inFile: true, at: line ?? 1, line: `${this.file}:${line ?? 1}: ${message}` });
  }
}
