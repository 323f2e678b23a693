/** Library entry: the same stages, streams and schemas the CLI uses, for in-process composition. */
export * from './contract/index.js';
export * from './core/outcome.js';
export * from './core/session.js';
export * from './core/stage.js';
export * from './core/stage-stream.js';
export * from './core/ordered-map.js';
export * from './core/exit-codes.js';
export { createJsonlSource, decodeJsonl, DEFAULT_MAX_LINE_BYTES } from './sources/jsonl-source.js';
export { createJsonlSink, createJsonlWriter } from './sinks/jsonl-sink.js';
export { STAGES } from './cli/registry.js';
export { sampleSpec, createSampleSource, SampleOptionsSchema, type SampleOptions, type SampleDeps } from './sources/sample/index.js';
export * from './llm/index.js';
export { kingSpec, createKingStage, KingOptionsSchema, type KingOptions } from './transforms/king.js';
export { challengeSpec, createChallengeStage, ChallengeOptionsSchema, type ChallengeOptions } from './transforms/challenge.js';
export { checkFormat, type FormatVerdict, type FormatProblem } from './transforms/generate/format-gate.js';
export { checkLeak, type LeakVerdict } from './transforms/generate/leak-check.js';
export { generateTurn, type GenerationSettings } from './transforms/generate/generate.js';
