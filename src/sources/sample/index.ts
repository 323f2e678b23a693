export { sampleSpec } from './spec.js';
export { createSampleSource, type SampleDeps } from './sample-source.js';
export { SampleOptionsSchema, DEFAULT_PRS, DEFAULT_TRAJECTORIES, type SampleOptions, type SampleOptionsInput } from './options.js';
export { parseDatasetUri, type DatasetUri } from './dataset-uri.js';
export { patchFiles } from './patch-files.js';
