import type { SourceSpec } from '../../core/stage-spec.js';
import { createImportSource } from './import-source.js';
import { IMPORT_FLAGS, ImportOptionsSchema, type ImportOptions } from './options.js';

export const importSpec: SourceSpec<ImportOptions> = {
  kind: 'source',
  name: 'import',
  summary: "turn a seed run directory (prompt/, commit/, answer_*/, score/) into td records",
  argument: { key: 'dir', syntax: '<dir>', description: "the seed's run directory" },
  options: ImportOptionsSchema,
  flags: IMPORT_FLAGS,
  create: (options, runtime) => createImportSource(options, runtime),
};
