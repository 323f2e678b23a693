import { z } from 'zod';
import type { FlagSpec } from '../../core/stage-spec.js';
import { RECORD_KINDS } from '../../contract/record-kinds.js';
import { text } from '../../core/option-types.js';

export const ImportOptionsSchema = z.object({
  /** The seed's run directory: `prompt/`, `commit/`, `answer_*` directories, `score/`. */
  dir: text(),
  /**
   * What each record becomes: `turn` (prompt + commit, as `td sample` writes), `duel` (+ king and
   * challenger from an answer file), `scored` (+ score and judgement from a score file). A prompt short
   * of it goes to the errors file as filtered (`no-answer`, `no-score`), with the prompt.
   * @default the furthest the directory holds (scored with score/, duel with an answer_* directory, else turn)
   */
  as: z.enum(RECORD_KINDS, { error: `expected one of ${RECORD_KINDS.join('|')}` }).optional(),
  /** The `answer_*` directory to read when there are several. @default the only one */
  answers: text().optional(),
  /** What the imported scores compared the challenger with (the seed's DUEL_MODE 2 or 1). @default king */
  against: z.enum(['king', 'reference'], { error: 'expected king or reference' }).default('king'),
});
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

export const IMPORT_FLAGS: readonly FlagSpec[] = [
  { key: 'as', flags: '--as <stage>', description: 'what each record becomes: turn, duel (+ king, challenger) or scored (+ score, judgement)', defaultText: 'the furthest the directory holds' },
  { key: 'answers', flags: '--answers <dir>', description: 'the answer_* directory to read when there are several' },
  { key: 'against', flags: '--against <side>', description: 'what the imported scores compared the challenger with: king or reference', defaultText: 'king' },
];
