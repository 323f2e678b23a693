import { importSpec } from '../sources/import/spec.js';
import { sampleSpec } from '../sources/sample/spec.js';
import { challengeSpec } from '../transforms/challenge.js';
import { judgeSpec } from '../transforms/judge.js';
import { kingSpec } from '../transforms/king.js';
import { reportSpec } from '../sinks/report/spec.js';
import { validateSpec } from '../transforms/validate.js';
import type { StageSpec } from '../core/stage-spec.js';

/** Every stage command, in pipeline order. A stage is added here once and gets its CLI command for free. */
export const STAGES: readonly StageSpec[] = [sampleSpec, importSpec, kingSpec, challengeSpec, judgeSpec, reportSpec, validateSpec];
