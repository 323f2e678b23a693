/** `td report`'s public surface, for in-process use (`runSink(items, createReportSink(...), runtime)`). */
export { reportSpec } from './spec.js';
export { createReportSink, REPORT_FILES, type ReportResult } from './report-sink.js';
export { REPORT_FLAGS, ReportOptionsSchema, type ReportOptions, type ReportOptionsInput } from './options.js';
export { decideGate, GATE_CONFIDENCE, type Gate, type GateOptions } from './gate.js';
export { ACTION_STYLES, actionStyle, bashCommand, type ActionStyle } from './action-style.js';
export { dpoLine, isDecisiveWin, opponentReply, sftLine } from './training-exports.js';
export { bucketOf, type Bucket, type TurnOutcome, type TurnRow } from './report-stats.js';
export type { Funnel, ReportModel } from './report-model.js';
export type { JudgeHealthRow, JudgePairRow } from './judge-health.js';
export type { DimensionRow } from './dimension-stats.js';
export type { UsageRow } from './usage-stats.js';
export { MarkSchema, MARK_VALUES, parseMarks, readMarks, ReviewMarks, type Mark, type MarkValue, type ReviewSummary } from './marks.js';
export { buildSummary, SUMMARY_FILE, SUMMARY_FORMAT, type ReportSummary } from './summary.js';
export type { Provenance, StageProvenance } from './provenance.js';
