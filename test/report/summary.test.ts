import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PROVENANCE_NAMES } from '../../src/sinks/report/provenance.js';
import type { ReportSummary } from '../../src/sinks/report/summary.js';
import { runReport, tempDir } from '../helpers/report.js';
import { scoredRecord, stageMeta, verdictsOf } from '../helpers/scored.js';

function readSummary(dir: string): ReportSummary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as ReportSummary;
}

describe('td report summary.json', () => {
  it('holds the gate, the funnel and the tables of report.md as data, with the thresholds and no local path', async () => {
    const out = join(tempDir(), 'out');
    const records = [0, 1, 2].map((index) => scoredRecord({ index, verdicts: verdictsOf([['judge-a', 'challenger', index === 2 ? 'king' : 'challenger']]) }));
    await runReport(records, { out, finalMin: 90, defeatMin: 40 });
    const text = readFileSync(join(out, 'summary.json'), 'utf8');
    const summary = JSON.parse(text) as ReportSummary;
    expect(summary.format).toBe('td-report-summary/1');
    expect(summary.td_version).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
    expect(summary.thresholds).toEqual({ final_min: 90, defeat_min: 40 });
    expect(summary.gate).toEqual(JSON.parse(readFileSync(join(out, 'duel.json'), 'utf8')));
    expect(summary.funnel).toMatchObject({ read: 3, judged: 3, final: 2, refined: 1, defeat: 0, sft: 2 });
    expect(summary.dimensions.map((row) => row.dimension)).toEqual(['correctness', 'grounding', 'progress', 'protocol', 'efficiency']);
    expect(summary.judges.map((row) => [row.judge, row.verdicts])).toEqual([['judge-a', 6]]);
    expect(summary.usage.map((row) => row.stage)).toEqual(['king', 'challenger', 'judge']);
    expect(text).not.toContain(out);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('names the models, prompt versions, panel modes and sources the records carry', async () => {
    const out = join(tempDir(), 'out');
    const judge = { ...stageMeta('judge-x', 10, 5), prompt_version: 'judge/1', judges: ['judge-a', 'judge-b'] };
    const meta = {
      king: { ...stageMeta('king-model', 10, 5), prompt_version: 'king/1' },
      challenger: { ...stageMeta('td/repair', 0, 0), prompt_version: 'challenge/1', offline: true },
      judge,
    };
    const base = scoredRecord({ index: 0, meta, verdicts: verdictsOf([['judge-a', 'challenger', 'challenger'], ['judge-b', 'tie', 'challenger']]) });
    const records = [
      { ...base, leak: { suspect: true, tokens: ['x'] }, judgement: { ...base.judgement, panel: 'adaptive' }, source: { ...base.source, dataset: 'owner/trajectories' } },
      { ...scoredRecord({ index: 1, meta, score: 10 }), judgement: { ...base.judgement, panel: 'full', source: 'seed' }, source: { file: 'prompts_0.json', row: 3 } },
    ];
    await runReport(records, { out });
    const { provenance } = readSummary(out);
    expect(provenance.stages).toEqual([
      { stage: 'king', records: 2, models: ['king-model'], prompt_versions: ['king/1'], offline: false },
      { stage: 'challenger', records: 2, models: ['td/repair'], prompt_versions: ['challenge/1'], offline: true },
      { stage: 'judge', records: 2, models: ['judge-x'], prompt_versions: ['judge/1'], offline: false },
    ]);
    expect(provenance.judges).toEqual(['judge-a', 'judge-b']);
    expect(provenance.panel_modes).toEqual({ adaptive: 1, full: 1 });
    expect([provenance.imported, provenance.sampled]).toEqual([1, 1]);
    expect(provenance.datasets).toEqual(['owner/trajectories']);
    expect([provenance.leak_suspects, provenance.leak_suspects_final]).toEqual([1, 1]);
  });

  it('keeps at most a fixed number of names per list, however many the input holds', async () => {
    const out = join(tempDir(), 'out');
    const records = Array.from({ length: MAX_PROVENANCE_NAMES + 8 }, (_, index) =>
      scoredRecord({ index, meta: { king: stageMeta(`model-${index}`, 1, 1) } }),
    );
    await runReport(records, { out });
    expect(readSummary(out).provenance.stages[0]!.models).toHaveLength(MAX_PROVENANCE_NAMES);
  });
});
