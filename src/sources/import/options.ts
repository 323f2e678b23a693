import { z } from 'zod';
import { flagsOf, option } from '../../core/option-flags.js';
import type { FlagSpec } from '../../core/stage-spec.js';
import { RECORD_KINDS } from '../../contract/record-kinds.js';
import { text } from '../../core/option-types.js';

const importOptionShape = {
  /** The seed's run directory: `prompt/`, `commit/`, `answer_*` directories, `score/`. */
  dir: text(),
  /**
   * What each record becomes: `turn` (prompt + commit, as `td sample` writes), `duel` (+ king and
   * challenger from an answer file), `scored` (+ score and judgement from a score file). A prompt short
   * of it goes to the errors file as filtered (`no-answer`, `no-score`), with the prompt. Unset: the
   * furthest the directory holds (scored with score/, duel with an answer_* directory, else turn).
   */
  as: option(z.enum(RECORD_KINDS, { error: `expected one of ${RECORD_KINDS.join('|')}` }).optional(), {
    flags: '--as <stage>',
    help: 'what each record becomes: turn, duel (+ king, challenger) or scored (+ score, judgement)',
    unset: 'the furthest the directory holds',
  }),
  /** The `answer_*` directory to read when there are several (unset: the only one). */
  answers: option(text().optional(), { flags: '--answers <dir>', help: 'the answer_* directory to read when there are several' }),
  /** What the imported scores compared the challenger with (the seed's DUEL_MODE 2 or 1). */
  against: option(z.enum(['king', 'reference'], { error: 'expected king or reference' }).default('king'), {
    flags: '--against <side>',
    help: 'what the imported scores compared the challenger with: king or reference',
  }),
};

export const ImportOptionsSchema = z.object(importOptionShape);
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

export const IMPORT_FLAGS: readonly FlagSpec[] = flagsOf(importOptionShape);
