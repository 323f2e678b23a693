export { importSpec } from './spec.js';
export { createImportSource, repoFromInstance } from './import-source.js';
export { ImportOptionsSchema, IMPORT_STAGES, type ImportOptions, type ImportStage } from './options.js';
export { SeedPromptSchema, SeedAnswerSchema, SeedScoreSchema, SeedVerdictSchema, SeedCommitRepoSchema } from './seed-files.js';
