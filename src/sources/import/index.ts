export { importSpec } from './spec.js';
export { createImportSource, repoFromInstance } from './import-source.js';
export { ImportOptionsSchema, type ImportOptions } from './options.js';
export { SeedPromptSchema, SeedAnswerSchema, SeedScoreSchema, SeedVerdictSchema, SeedCommitRepoSchema } from './seed-files.js';
