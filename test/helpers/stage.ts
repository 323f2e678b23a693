import type { StageRuntime } from '../../src/core/session.js';
import type { TransformStage } from '../../src/core/stage.js';
import { runTransform } from '../../src/core/transform-stream.js';

/** Runs a transform stage in-process over records (as lines 1..n of `in.jsonl`) and collects its output records. */
export async function runRecords(stage: TransformStage<any, any>, records: readonly unknown[], runtime: StageRuntime): Promise<Array<Record<string, any>>> {
  async function* items() {
    for (const [index, record] of records.entries()) yield { record: record as Record<string, unknown>, source: 'in.jsonl', line: index + 1 };
  }
  const out: Array<Record<string, any>> = [];
  for await (const item of runTransform(items(), stage, runtime)) out.push(item.record);
  return out;
}
