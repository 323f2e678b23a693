/** Library entry: the same stages, streams and schemas the CLI uses, for in-process composition. */
export * from './contract/index.js';
export * from './core/outcome.js';
export * from './core/session.js';
export * from './core/stage.js';
export * from './core/stage-stream.js';
export * from './core/ordered-map.js';
export * from './core/exit-codes.js';
export { nextUnless } from './core/next-unless.js';
export { bootstrapLowerBound, seededRandom, type BootstrapOptions } from './core/bootstrap.js';
export { createJsonlSource, decodeJsonl, DEFAULT_MAX_LINE_BYTES } from './sources/jsonl-source.js';
export { createJsonlSink, createJsonlWriter } from './sinks/jsonl-sink.js';
export * from './sinks/report/index.js';
export { STAGES } from './cli/registry.js';
