import { z } from 'zod';
import { RECORD_CONTRACTS, RECORD_KINDS } from '../contract/record-kinds.js';
import { ok } from '../core/outcome.js';
import type { JsonObject } from '../core/session.js';
import type { TransformStage } from '../core/stage.js';
import type { TransformSpec } from '../core/stage-spec.js';

export const ValidateOptionsSchema = z.object({
  /** The record contract to check: `turn` (td sample's output), `duel` (+ king and challenger: what td judge reads), `scored` (td judge's output). @default turn */
  as: z.enum(RECORD_KINDS, { error: `expected one of ${RECORD_KINDS.join('|')}` }).default('turn'),
});
export type ValidateOptions = z.infer<typeof ValidateOptionsSchema>;

/**
 * Checks records against the contract and passes valid ones through unchanged. The check itself is
 * the adapter's input validation; this core has nothing left to do, which makes `td validate` the
 * measure of the stage machinery's own cost.
 */
export function createValidateStage(options: ValidateOptions): TransformStage<JsonObject, JsonObject> {
  return {
    input: RECORD_CONTRACTS[options.as] as z.ZodType<JsonObject>,
    run: async (record) => ok(record),
    recordsInFlight: 1,
  };
}

export const validateSpec: TransformSpec<ValidateOptions> = {
  kind: 'transform',
  name: 'validate',
  summary: 'check records against the td record contract; pass valid ones through, reject the rest with reasons',
  options: ValidateOptionsSchema,
  flags: [{ key: 'as', flags: '--as <contract>', description: 'contract to check: turn (td sample output), duel (king and challenger added: what td judge reads) or scored (td judge output)', defaultText: 'turn' }],
  create: (options) => createValidateStage(options),
};
