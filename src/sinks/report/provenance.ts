import type { ScoredRecord } from '../../contract/scored.js';

/** Distinct names kept per list at most (models, prompt versions, data sets): record fields are untrusted input. */
export const MAX_PROVENANCE_NAMES = 32;
/** Stages (`meta` keys) tracked at most; further ones are not listed. */
const MAX_STAGES = 32;

/** How one stage made its part of the data, as the records' `meta.<stage>` tell it. */
export interface StageProvenance {
  stage: string;
  /** Records carrying `meta.<stage>`. */
  records: number;
  /** `meta.<stage>.model` and every `calls[].model`, first seen first. */
  models: string[];
  /** `meta.<stage>.prompt_version` values. */
  prompt_versions: string[];
  /** `meta.<stage>.offline`: a td offline provider wrote this stage's replies. */
  offline: boolean;
}

/** Where the records came from and how they were made: the part of `summary.json` no report table holds. */
export interface Provenance {
  stages: StageProvenance[];
  /** The judge panel: every judge named by a verdict, first seen first. */
  judges: string[];
  /** `judgement.panel` (td judge's panel mode, when the records carry one) -> turns. */
  panel_modes: Record<string, number>;
  /** Turns imported from the seed's scripts (`judgement.source: "seed"`) rather than judged by td. */
  imported: number;
  /** Turns whose `source` has td sample's shape (`file`, `row`, `exit_status`). */
  sampled: number;
  /** Hub data sets the records name in `source.dataset` (td sample does not write it; other producers may). */
  datasets: string[];
  /** Turns whose challenger the leak check flagged (`leak.suspect`), and how many of them are final. */
  leak_suspects: number;
  leak_suspects_final: number;
}

function addName(list: string[], value: unknown): void {
  if (typeof value === 'string' && value !== '' && list.length < MAX_PROVENANCE_NAMES && !list.includes(value)) list.push(value);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Accumulates provenance record by record, in memory bounded by the name caps, never by the input. */
export class ProvenanceStats {
  private readonly stages = new Map<string, StageProvenance>();
  private readonly judges: string[] = [];
  private readonly panelModes = new Map<string, number>();
  private readonly datasets: string[] = [];
  private imported = 0;
  private sampled = 0;
  private leakSuspects = 0;
  private leakSuspectsFinal = 0;

  observe(record: ScoredRecord, final: boolean): void {
    if (isObject(record.meta)) {
      for (const [stage, value] of Object.entries(record.meta)) {
        if (!isObject(value)) continue;
        let row = this.stages.get(stage);
        if (!row) {
          if (this.stages.size >= MAX_STAGES) continue;
          row = { stage, records: 0, models: [], prompt_versions: [], offline: false };
          this.stages.set(stage, row);
        }
        row.records++;
        addName(row.models, value.model);
        if (Array.isArray(value.calls)) for (const call of value.calls) if (isObject(call)) addName(row.models, call.model);
        addName(row.prompt_versions, value.prompt_version);
        if (value.offline === true) row.offline = true;
      }
    }
    for (const verdict of record.judgement.verdicts) addName(this.judges, verdict.judge);
    const panel = record.judgement.panel;
    if (typeof panel === 'string' && (this.panelModes.has(panel) || this.panelModes.size < MAX_PROVENANCE_NAMES)) {
      this.panelModes.set(panel, (this.panelModes.get(panel) ?? 0) + 1);
    }
    if (record.judgement.source === 'seed') this.imported++;
    const source = record.source as Record<string, unknown>;
    if ('exit_status' in source) this.sampled++;
    addName(this.datasets, source.dataset);
    const leak = (record as { leak?: unknown }).leak;
    if (isObject(leak) && leak.suspect === true) {
      this.leakSuspects++;
      if (final) this.leakSuspectsFinal++;
    }
  }

  snapshot(): Provenance {
    return {
      stages: [...this.stages.values()].map((row) => ({ ...row, models: [...row.models], prompt_versions: [...row.prompt_versions] })),
      judges: [...this.judges],
      panel_modes: Object.fromEntries(this.panelModes),
      imported: this.imported,
      sampled: this.sampled,
      datasets: [...this.datasets],
      leak_suspects: this.leakSuspects,
      leak_suspects_final: this.leakSuspectsFinal,
    };
  }
}
