import { reportSpec } from '../sinks/report/spec.js';
import { validateSpec } from '../transforms/validate.js';
import type { StageSpec } from './stage-spec.js';

/** Every stage command, in pipeline order. A stage is added here once and gets its CLI command for free. */
export const STAGES: readonly StageSpec[] = [validateSpec, reportSpec];
