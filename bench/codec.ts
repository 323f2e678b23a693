import type { Bench } from './types.js';

/** Placeholder until the codec bench lands. */
export const codecBench: Bench = async () => [];
