import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCard, sizeCategory, type CardInput } from '../../src/push/card.js';
import { toYaml } from '../../src/push/card-yaml.js';
import { SummarySchema, type Summary } from '../../src/push/summary-schema.js';
import { frontMatterOf, makeReport, reportRecords, runPush, treeOf } from '../helpers/push.js';
import { runReport, tempDir } from '../helpers/report.js';
import { scoredRecord, stageMeta, verdictsOf } from '../helpers/scored.js';

interface FrontMatter {
  license: string;
  pretty_name: string;
  task_categories: string[];
  tags: string[];
  size_categories: string[];
  source_datasets?: string[];
  configs: Array<{ config_name: string; data_files: Array<{ split: string; path: string }>; default?: boolean }>;
}

async function summaryOf(records: unknown[]): Promise<Summary> {
  const out = join(tempDir(), 'report');
  await runReport(records, { out });
  return SummarySchema.parse(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
}

function input(summary: Summary, overrides: Partial<CardInput> = {}): CardInput {
  return {
    repo: 'acme/duels',
    summary,
    configs: [
      { name: 'final', path: 'data/final.jsonl', rows: summary.funnel.final },
      { name: 'sft', path: 'data/sft.jsonl', rows: summary.funnel.sft },
      { name: 'dpo', path: 'data/dpo.jsonl', rows: summary.funnel.dpo },
    ],
    format: 'jsonl',
    license: undefined,
    sourceDatasets: undefined,
    tdVersion: '9.9.9',
    ...overrides,
  };
}

const frontMatter = (card: string): FrontMatter => parse(frontMatterOf(card)) as FrontMatter;

describe('the dataset card', () => {
  it('has YAML front matter the Hub reads: one config per file, license unknown when unset, tags, size and sources', async () => {
    const card = renderCard(input(await summaryOf(reportRecords(6))));
    expect(frontMatter(card)).toEqual({
      license: 'unknown',
      pretty_name: 'duels',
      task_categories: ['text-generation'],
      tags: ['code', 'agent', 'synthetic', 'llm-judge', 'sft', 'dpo'],
      size_categories: ['n<1K'],
      source_datasets: ['AlienKevin/SWE-ZERO-12M-trajectories', 'nebius/SWE-rebench-V2-PRs'],
      configs: [
        { config_name: 'final', data_files: [{ split: 'train', path: 'data/final.jsonl' }] },
        { config_name: 'sft', data_files: [{ split: 'train', path: 'data/sft.jsonl' }], default: true },
        { config_name: 'dpo', data_files: [{ split: 'train', path: 'data/dpo.jsonl' }] },
      ],
    });
    expect(card).toContain('**License: not set.** td does not guess a license');
    expect(card).toContain('sft = load_dataset("acme/duels", "sft", split="train")');
  });

  it('takes the license and the source data sets it is given, and the sets the records name', async () => {
    const summary = await summaryOf(reportRecords(3));
    const given = renderCard(input(summary, { license: 'cc-by-4.0', sourceDatasets: ['me/trajectories'] }));
    expect(frontMatter(given)).toMatchObject({ license: 'cc-by-4.0', source_datasets: ['me/trajectories'] });
    expect(given).not.toContain('License: not set');
    const named = scoredRecord({ index: 0 });
    const fromRecords = renderCard(input(await summaryOf([{ ...named, source: { ...named.source, dataset: 'org/rollouts' } }])));
    expect(frontMatter(fromRecords).source_datasets).toEqual(['org/rollouts']);
    expect(fromRecords).toContain('Named by the records (`source.dataset`).');
  });

  it('says how the data was made and how it came out: version, commands, models, prompt versions, thresholds, panel, gate, dimensions, judge health, cost, limits', async () => {
    const meta = {
      king: { ...stageMeta('moonshotai/Kimi-K2.6-TEE', 1200, 80, 0.0012), prompt_version: 'king/1' },
      challenger: { ...stageMeta('moonshotai/Kimi-K2.6-TEE', 1500, 95, 0.0015), prompt_version: 'challenge/1' },
      judge: { ...stageMeta('deepseek-ai/DeepSeek-V3.2-TEE', 3000, 400, 0.004), prompt_version: 'judge/1' },
    };
    const records = [0, 1, 2, 3].map((index) => {
      const record = scoredRecord({ index, meta, verdicts: verdictsOf([['deepseek-ai/DeepSeek-V3.2-TEE', 'challenger', index === 3 ? 'king' : 'challenger']]) });
      return { ...record, leak: { suspect: index === 0, tokens: [] }, judgement: { ...record.judgement, panel: 'adaptive' } };
    });
    const summary = await summaryOf(records);
    const card = renderCard(input(summary));
    for (const text of [
      'with td 0.1.0',
      'card by td 9.9.9',
      'Commands: `td sample | td king | td challenge | td judge | td report | td push`',
      '| `king` | `moonshotai/Kimi-K2.6-TEE` | `king/1` | 4 | no |',
      '| `judge` | `deepseek-ai/DeepSeek-V3.2-TEE` | `judge/1` | 4 | no |',
      'panel mode `adaptive` (4 turns)',
      'Thresholds: final at score >= 80, refined at >= 66',
      `**Gate: ${summary.gate.verdict}.**`,
      `lower bound ${summary.gate.margin_lower_bound! >= 0 ? '+' : ''}${summary.gate.margin_lower_bound!.toFixed(3)}`,
      '| correctness |',
      '| `deepseek-ai/DeepSeek-V3.2-TEE` | 8 | 100.0% |',
      '| `judge` | 4 | 4 | 12000 | 1600 | 0 | $0.0160 |',
      '1 turns were flagged, 1 of them final',
      '**LLM-judged.**',
      '**Execution-free trajectories.**',
    ]) {
      expect(card, text).toContain(text);
    }
  });

  it('holds no local path and no secret: names from the data that look like tokens are masked by the CLI', async () => {
    const record = scoredRecord({ index: 0, verdicts: verdictsOf([['hf_AAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'challenger', 'challenger']]) });
    const report = await makeReport([record]);
    const out = join(tempDir(), 'tree');
    const result = await runPush([report, '--repo', 'acme/duels', '--dry-run', out], { env: {} });
    expect(result.code, result.stderr).toBe(0);
    const card = treeOf(out).get('README.md')!.toString();
    expect(card).not.toContain('hf_AAAA');
    expect(card).toContain('[REDACTED]');
    expect(card).not.toContain(report);
    expect(card).not.toMatch(/\/tmp\//);
  });

  it('warns when no license is given, and refuses a license the Hub does not know (64)', async () => {
    const report = await makeReport();
    const unset = await runPush([report, '--repo', 'acme/duels', '--dry-run', join(tempDir(), 'a')], { env: {} });
    expect(unset.stderr).toContain('td push: warning: no --license: the card says the license is unknown (td does not guess one)');
    const set = await runPush([report, '--repo', 'acme/duels', '--license', 'mit', '--dry-run', join(tempDir(), 'b')], { env: {} });
    expect(set.code).toBe(0);
    expect(set.stderr).not.toContain('--license');
    const bad = await runPush([report, '--repo', 'acme/duels', '--license', 'MIT-ish', '--dry-run', join(tempDir(), 'c')], { env: {} });
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('td push: --license: expected a license identifier the Hub knows');
  });

  it('bins sizes as the Hub does', () => {
    expect([0, 999, 1000, 9999, 10_000, 999_999, 1_000_000, 5e9].map(sizeCategory)).toEqual(['n<1K', 'n<1K', '1K<n<10K', '1K<n<10K', '10K<n<100K', '100K<n<1M', '1M<n<10M', 'n>1B']);
  });

  it('writes YAML whose strings read back as the same strings, whatever they hold', () => {
    const value = { a: 'n<1K', b: 'yes', c: '1e3', d: 'x: "y" # z', e: 'ü\\n', list: ['- dash', ''], nested: [{ k: 'v', w: [1, true] }], empty: [] };
    expect(parse(toYaml(value))).toEqual(value);
  });
});
