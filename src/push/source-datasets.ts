import type { Summary } from './summary-schema.js';

/** The sets td's turn contract is built on, and the ones td sample reads by default. */
export const TD_SOURCE_DATASETS = ['AlienKevin/SWE-ZERO-12M-trajectories', 'nebius/SWE-rebench-V2-PRs'] as const;

/** The card's `source_datasets`, and a sentence saying where they come from. */
export function sourceDatasets(summary: Summary, override: readonly string[] | undefined): { ids: readonly string[]; how: string } {
  if (override !== undefined) return { ids: override, how: 'Given by the publisher (`td push --source-datasets`).' };
  const p = summary.provenance;
  if (p.datasets.length > 0) return { ids: p.datasets, how: 'Named by the records (`source.dataset`).' };
  if (p.sampled + p.imported > 0) {
    return {
      ids: TD_SOURCE_DATASETS,
      how:
        'The records name the trajectory file and row they came from and carry the pull-request row they were joined with, but not ' +
        "the sets' names; these are the sets td's turn records are defined on and that `td sample` reads by default.",
    };
  }
  return { ids: [], how: 'The records do not say which data sets they came from.' };
}
