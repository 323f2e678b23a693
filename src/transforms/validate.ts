import { z } from 'zod';
import { RECORD_CONTRACTS, RECORD_KINDS } from '../contract/record-kinds.js';
import { flagsOf, option } from '../core/option-flags.js';
import { ok } from '../core/outcome.js';
import type { JsonObject } from '../core/session.js';
import type { TransformStage } from '../core/stage.js';
import type { TransformSpec } from '../core/stage-spec.js';

const validateOptionShape = {
  /** The record contract to check: `turn` (td sample's output), `duel` (+ king and challenger: what td judge reads), `scored` (td judge's output). */
  as: option(z.enum(RECORD_KINDS, { error: `expected one of ${RECORD_KINDS.join('|')}` }).default('turn'), {
    flags: '--as <contract>',
    help: 'contract to check: turn (td sample output), duel (king and challenger added: what td judge reads) or scored (td judge output)',
  }),
};

export const ValidateOptionsSchema = z.object(validateOptionShape);
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
  flags: flagsOf(validateOptionShape),
  create: (options) => createValidateStage(options),
};
