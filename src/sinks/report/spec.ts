import type { SinkSpec } from '../../core/stage-spec.js';
import { REPORT_FLAGS, ReportOptionsSchema, type ReportOptions } from './options.js';
import { createReportSink } from './report-sink.js';

export const reportSpec: SinkSpec<ReportOptions> = {
  kind: 'sink',
  name: 'report',
  summary: 'sort scored turns into final/refined/defeat, decide the gate, write report.md/.html and SFT/DPO exports into --out DIR',
  options: ReportOptionsSchema,
  flags: REPORT_FLAGS,
  outputDir: (options) => ({ path: options.out, flag: '--out' }),
  create: (options, runtime) => createReportSink(options, runtime),
};
