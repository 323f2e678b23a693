import { z } from 'zod';

/**
 * The source pull request of a trajectory (a row of nebius/SWE-rebench-V2-PRs, trimmed to what the
 * stages use). Everything here is hidden from the king; the challenger sees it under the blind-agent rule.
 */
export const PrSchema = z.looseObject({
  problem_statement: z.string(),
  pr_description: z.string().nullable().optional(),
  hints_text: z.string().nullable().optional(),
  interface: z.string().nullable().optional(),
  patch: z.string(),
  test_patch: z.string().nullable().optional(),
  FAIL_TO_PASS: z.array(z.string()).optional(),
  PASS_TO_PASS: z.array(z.string()).optional(),
  base_commit: z.string().nullable().optional(),
  pull_number: z.number().int().nullable().optional(),
  created_at: z.string().nullable().optional(),
  /** Paths changed by `patch`, from its `diff --git a/X b/Y` headers. */
  files: z.array(z.string()),
});
export type Pr = z.infer<typeof PrSchema>;
