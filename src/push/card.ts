import { fixed, percent, usd } from '../sinks/report/format.js';
import { signed } from '../sinks/report/gate.js';
import { markdownTable } from '../sinks/report/render-markdown.js';
import type { Table } from '../sinks/report/report-sections.js';
import { toYaml, type YamlValue } from './card-yaml.js';
import { EXPORT_SPECS } from './exports.js';
import { UNSET_LICENSE } from './licenses.js';
import type { PushExport } from './options.js';
import { sourceDatasets, TD_SOURCE_DATASETS } from './source-datasets.js';
import type { Summary } from './summary-schema.js';

/** One published file and the Hub config that reads it. */
export interface CardConfig {
  name: PushExport;
  /** Path in the repository: `data/sft.jsonl`. */
  path: string;
  rows: number;
}

export interface CardInput {
  /** `OWNER/NAME`. */
  repo: string;
  summary: Summary;
  configs: readonly CardConfig[];
  format: 'jsonl' | 'parquet';
  /** `--license`; undefined: the card says the license is unset. */
  license: string | undefined;
  /** `--source-datasets`, replacing what the records say. */
  sourceDatasets: readonly string[] | undefined;
  /** The version of td writing the card. */
  tdVersion: string;
}

const TAGS = ['code', 'agent', 'synthetic', 'llm-judge'];

/** The Hub's size bins, by the largest config's rows. */
export function sizeCategory(rows: number): string {
  const bins: Array<[number, string]> = [
    [1e3, 'n<1K'],
    [1e4, '1K<n<10K'],
    [1e5, '10K<n<100K'],
    [1e6, '100K<n<1M'],
    [1e7, '1M<n<10M'],
    [1e8, '10M<n<100M'],
    [1e9, '100M<n<1B'],
  ];
  return bins.find(([limit]) => rows < limit)?.[1] ?? 'n>1B';
}

/** A name from the data (a model, a judge) as inline code that cannot break out of its span or line. */
function code(name: string): string {
  return `\`${name.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;
}

/** A Markdown table; `numeric` marks right-aligned columns (default: all but the first). */
function table(header: string[], rows: string[][], numeric = header.map((_, column) => column >= 1)): string {
  return markdownTable({ header, numeric, rows } satisfies Table);
}

/** The YAML the Hub reads: license, task, tags, size, sources, and one config per published file. */
export function frontMatter(input: CardInput): Record<string, YamlValue> {
  const names = input.configs.map((config) => config.name);
  const tags = [...TAGS, ...(names.includes('sft') ? ['sft'] : []), ...(names.includes('dpo') ? ['dpo'] : [])];
  const sources = sourceDatasets(input.summary, input.sourceDatasets).ids;
  const defaultConfig = names.includes('sft') ? 'sft' : names[0];
  return {
    license: input.license ?? UNSET_LICENSE,
    pretty_name: input.repo.split('/')[1]!,
    task_categories: ['text-generation'],
    tags: [...new Set(tags)],
    size_categories: [sizeCategory(Math.max(0, ...input.configs.map((config) => config.rows)))],
    ...(sources.length > 0 ? { source_datasets: [...sources] } : {}),
    configs: input.configs.map((config) => ({
      config_name: config.name,
      data_files: [{ split: 'train', path: config.path }],
      ...(config.name === defaultConfig ? { default: true } : {}),
    })),
  };
}

/** The stage commands behind the data, in pipeline order, as the records' provenance shows them. */
function pipeline(summary: Summary): string[] {
  const p = summary.provenance;
  const commands: string[] = [];
  if (p.sampled > 0) commands.push('td sample');
  if (p.imported > 0) commands.push('td import');
  const command: Record<string, string> = { king: 'td king', challenger: 'td challenge', judge: 'td judge' };
  for (const stage of p.stages) if (command[stage.stage] !== undefined) commands.push(command[stage.stage]!);
  commands.push('td report', 'td push');
  return commands;
}

function intro(input: CardInput): string[] {
  const s = input.summary;
  const parts = [
    `Training data made from coding-agent trajectories by LLM duels, with td ${s.td_version}. For single turns of agent rollouts, a ` +
      'model answered blind (the *king*), a model answered again having seen the pull request that solved the task, under the rule ' +
      'that it may act only on what the agent could have seen (the *challenger*), and a panel of judges compared the two replies ' +
      'in both presentation orders on five dimensions. Turns are sorted by the challenger\'s score into `final`, `refined` and ' +
      '`defeat`; `sft` and `dpo` are the final turns as training data.',
  ];
  if (s.offline.length > 0) {
    parts.push(
      `**Offline providers made part of this data** (${s.offline.map(code).join(', ')}): td's own stand-ins that ask no model. ` +
        'What they contribute shows the pipeline at work, not a model\'s quality.',
    );
  }
  if (input.license === undefined) {
    parts.push(
      '**License: not set.** td does not guess a license: the turns derive from the source data sets below, whose terms apply, ' +
        'and from model outputs, whose providers\' terms may too. The publisher should set one (`td push --license ID`).',
    );
  }
  return parts;
}

function configsSection(input: CardInput): string[] {
  const rows = input.configs.map((config) => [code(config.name), code(config.path), String(config.rows), EXPORT_SPECS[config.name].describe(input.summary)]);
  const first = input.configs.find((config) => config.name === 'sft') ?? input.configs[0]!;
  return [
    '## Configs',
    '',
    `One config per file, one \`train\` split each (${input.format === 'parquet' ? 'parquet' : 'JSON Lines'}):`,
    '',
    table(['config', 'file', 'rows', 'a row is'], rows, [false, false, true, false]),
    '',
    '```python',
    'from datasets import load_dataset',
    `${first.name.replace(/-/g, '_')} = load_dataset(${JSON.stringify(input.repo)}, ${JSON.stringify(first.name)}, split="train")`,
    '```',
  ];
}

function madeSection(input: CardInput): string[] {
  const s = input.summary;
  const p = s.provenance;
  const g = s.gate;
  const sources = sourceDatasets(s, input.sourceDatasets);
  const stageRows = p.stages.map((stage) => {
    // The rules judge makes no calls, so the judge stage may name no model: its panel says who judged.
    const models = stage.models.length > 0 ? stage.models : stage.stage === 'judge' ? p.judges : [];
    const offline = stage.offline || s.offline.some((provider) => provider.startsWith(`${stage.stage}: `));
    return [
      code(stage.stage),
      models.length > 0 ? models.map(code).join(', ') : '—',
      stage.prompt_versions.length > 0 ? stage.prompt_versions.map(code).join(', ') : '—',
      String(stage.records),
      offline ? 'yes' : 'no',
    ];
  });
  const panel = Object.entries(p.panel_modes);
  const lines = [
    '## How it was made',
    '',
    `Commands: \`${pipeline(s).join(' | ')}\` (or the same stages in one \`td run\`). Report written by td ${s.td_version}; card by td ${input.tdVersion}.`,
    '',
    `Sources: ${sources.ids.length > 0 ? sources.ids.map(code).join(', ') : 'not stated'}. ${sources.how}`,
  ];
  if (p.imported > 0) lines.push('', `${p.imported} turns were imported from the seed's scripts (\`td import\`) with their judgements, not judged by td.`);
  if (stageRows.length > 0) lines.push('', table(['stage', 'models', 'prompt version', 'turns', 'offline'], stageRows, [false, false, false, true, false]));
  lines.push(
    '',
    `Judge panel: ${p.judges.length > 0 ? p.judges.map(code).join(', ') : 'none recorded'}, each judge asked in both presentation orders` +
      (panel.length > 0 ? `; panel mode ${panel.map(([mode, turns]) => `${code(mode)} (${turns} turns)`).join(', ')}` : '') +
      `. Opponent: the king for ${s.funnel.against_king} turns, the source trajectory's own turn for ${s.funnel.against_reference}.`,
    '',
    `Thresholds: final at score >= ${s.thresholds.final_min}, refined at >= ${s.thresholds.defeat_min}, defeat below (score = 100 x the ` +
      "challenger's mean preference over parsed verdicts: win 1, tie 0.5, loss 0). Gate: the challenger passes when the one-sided " +
      `${Math.round(g.confidence * 100)}% bootstrap lower bound of its margin over 0.5 is above ${g.min_margin} and at least ` +
      `${g.min_parsed_fraction} of judged turns parsed (${g.resamples} resamples, seed ${g.seed}).`,
  );
  return lines;
}

function resultsSection(summary: Summary): string[] {
  const { funnel: f, gate: g } = summary;
  const share = (n: number): string => (f.judged > 0 ? percent(n / f.judged) : '—');
  const funnel = table(
    ['', 'turns', 'share of judged'],
    [
      ['read', String(f.read), '—'],
      ['invalid (not judged)', String(f.invalid), '—'],
      ['judged', String(f.judged), share(f.judged)],
      ['final', String(f.final), share(f.final)],
      ['refined', String(f.refined), share(f.refined)],
      ['defeat', String(f.defeat), share(f.defeat)],
      ['parse-fail', String(f.parse_fail), share(f.parse_fail)],
      ['sft rows', String(f.sft), '—'],
      ['dpo pairs', String(f.dpo), '—'],
    ],
  );
  const bound = g.margin_lower_bound === null ? 'no bound (no parsed turns)' : `lower bound ${signed(g.margin_lower_bound)}`;
  const gate =
    `**Gate: ${g.verdict}.** Mean challenger preference ${fixed(g.mean_preference, 3)} over ${g.parsed} parsed turns, margin ` +
    `${g.margin === null ? '—' : signed(g.margin)}, ${bound}, parsed fraction ${fixed(g.parsed_fraction, 3)}` +
    (g.reasons.length > 0 ? `; failed because ${g.reasons.join('; ')}.` : '.');
  const dimensions = table(
    ['dimension', 'challenger mean', 'opponent mean', 'challenger higher', 'equal', 'opponent higher'],
    summary.dimensions.map((d) => [d.dimension, fixed(d.challenger_mean), fixed(d.king_mean), percent(d.challenger_wins), percent(d.ties), percent(d.king_wins)]),
  );
  const judges = table(
    ['judge', 'verdicts', 'parse rate', 'flip rate', 'P(first)', 'P(longer)', 'agreement'],
    summary.judges.map((j) => [code(j.judge), String(j.verdicts), percent(j.parse_rate), percent(j.flip_rate), percent(j.prefers_first), percent(j.prefers_longer), percent(j.agreement)]),
  );
  const usage = table(
    ['stage', 'records', 'calls', 'prompt tokens', 'completion tokens', 'reasoning tokens', 'cost'],
    summary.usage.map((u) => [code(u.stage), String(u.records), String(u.calls), String(u.prompt_tokens), String(u.completion_tokens), String(u.reasoning_tokens), usd(u.cost_usd)]),
  );
  return [
    '## Results',
    '',
    funnel,
    '',
    gate,
    '',
    '### Dimensions',
    '',
    'Mean judge scores (1-10) of each side over parsed turns, and the share of turns where the challenger\'s mean was higher, equal or lower.',
    '',
    dimensions,
    '',
    '### Judge health',
    '',
    'Over every verdict: parse rate; flip rate (the winner changed when the order was swapped); P(first), decisive verdicts that ' +
      'picked the reply shown first (0.5 is unbiased: position bias); P(longer), decisive verdicts that picked the longer reply ' +
      '(length bias); agreement with the other judges on a turn\'s winner.',
    '',
    judges,
    '',
    '### Tokens and cost',
    '',
    summary.usage.length > 0 ? usage : 'No stage recorded its usage.',
    '',
    'Cost is summed from the records where a price table priced the calls (— when none did); cached calls count what they cost when made.',
  ];
}

function limitsSection(summary: Summary, sources: readonly string[]): string[] {
  const p = summary.provenance;
  const swezero = sources.includes(TD_SOURCE_DATASETS[0]);
  return [
    '## Limits',
    '',
    "- **LLM-judged.** Scores are judges' preferences between two replies, not test results: no reply was executed, and a judge " +
      'can prefer a plausible command that would fail. The judge health table shows how consistent and biased the judges were.',
    ...(swezero
      ? [
          '- **Execution-free trajectories.** The SWE-ZERO rollouts ran in an environment without interpreters or build tools, so ' +
            'observations in the history are what that environment printed, and a turn says nothing about whether the task was solved.',
        ]
      : []),
    "- **The challenger saw the solution.** It was told not to use what the agent could not have seen; td's leak check flags replies " +
      'naming identifiers (paths, file names, code words, literals, numbers) that occur in the hidden pull request and nowhere in the ' +
      `visible history: ${p.leak_suspects} turns were flagged, ${p.leak_suspects_final} of them final. It does not catch knowledge used ` +
      'without naming it (a guessed location, the shape of a fix, a paraphrase), nor identifiers the history happens to show.',
    `- **One sample.** ${summary.funnel.judged} judged turns, single turns out of longer trajectories; the gate's bound is over these turns only.`,
    '- Texts are kept as the sources had them: histories may contain tokens, paths or personal data that appeared in the original rollouts.',
  ];
}

/** README.md of the dataset repository: front matter, then what the data is, how it was made, how it came out, and its limits. */
export function renderCard(input: CardInput): string {
  const title = input.repo.split('/')[1]!;
  const body = [
    `# ${title}`,
    '',
    ...intro(input).flatMap((paragraph) => [paragraph, '']),
    ...configsSection(input),
    '',
    ...madeSection(input),
    '',
    ...resultsSection(input.summary),
    '',
    ...limitsSection(input.summary, sourceDatasets(input.summary, input.sourceDatasets).ids),
  ];
  return `---\n${toYaml(frontMatter(input))}---\n\n${body.join('\n')}\n`;
}
