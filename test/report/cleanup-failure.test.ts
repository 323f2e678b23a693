/**
 * The report sink's cleanup runs inside stream callbacks: when removing its temp dir fails, the run
 * must still end (with a warning), never hang or crash the process with an unhandled rejection.
 * node:fs is mocked in this file only, so that rmSync can fail for the temp dir (as root, no
 * permission trick makes it fail).
 */
import { describe, expect, it, vi } from 'vitest';
import { runSink } from '../../src/core/sink-stream.js';
import { ReportOptionsSchema } from '../../src/sinks/report/options.js';
import { createReportSink } from '../../src/sinks/report/report-sink.js';
import { tempDir } from '../helpers/report.js';
import { scoredRecord } from '../helpers/scored.js';
import { testSession } from '../helpers/session.js';

const fault = vi.hoisted(() => ({ rmPathIncludes: undefined as string | undefined }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const rmSync: typeof actual.rmSync = (path, options) => {
    if (fault.rmPathIncludes !== undefined && String(path).includes(fault.rmPathIncludes)) {
      throw Object.assign(new Error(`EBUSY: resource busy or locked, rm '${String(path)}'`), { code: 'EBUSY' });
    }
    actual.rmSync(path, options);
  };
  return { ...actual, rmSync, default: { ...actual, rmSync } };
});

describe('td report cleanup', () => {
  it('ends an interrupted run with a warning when its temp dir cannot be removed (no hang, no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const out = `${tempDir()}/report`;
      const test = testSession({ stage: 'report' });
      const sink = createReportSink(ReportOptionsSchema.parse({ out }), test.runtime);
      fault.rmPathIncludes = '.td-tmp-';
      test.stop.abort();
      const items = [scoredRecord()].map((record, i) => ({ record, source: '<test>', line: i + 1 }));
      const result = await runSink(items, sink, test.runtime);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(test.logs).toEqual([
        expect.stringMatching(/^warning: cannot remove .*\.report\.td-tmp-\d+: EBUSY: resource busy or locked/),
        `warning: interrupted: ${out} left as it was`,
      ]);
      expect(result).toBeUndefined();
    } finally {
      fault.rmPathIncludes = undefined;
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
