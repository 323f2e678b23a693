import type { SourceSpec } from '../../core/stage-spec.js';
import { SAMPLE_FLAGS, SampleOptionsSchema, type SampleOptions } from './options.js';
import { createSampleSource } from './sample-source.js';

export const sampleSpec: SourceSpec<SampleOptions> = {
  kind: 'source',
  name: 'sample',
  summary: 'sample turn records from SWE-ZERO-12M trajectories (random windows), joined with their SWE-rebench-V2 PRs',
  options: SampleOptionsSchema,
  flags: SAMPLE_FLAGS,
  create: (options, runtime) => createSampleSource(options, runtime),
};
