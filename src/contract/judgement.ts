import { z } from 'zod';

/** The five dimensions every judge scores, in the order reports show them. */
export const DIMENSIONS = ['correctness', 'grounding', 'progress', 'protocol', 'efficiency'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Integer score of one candidate on one dimension. */
export const DimensionScore = z.number().int().min(1).max(10);
export const DimensionScoresSchema = z.object({
  correctness: DimensionScore,
  grounding: DimensionScore,
  progress: DimensionScore,
  protocol: DimensionScore,
  efficiency: DimensionScore,
});
export type DimensionScores = z.infer<typeof DimensionScoresSchema>;

/** Which candidate the judge saw first: each pair is judged in both orders. */
export const OrderSchema = z.enum(['king-first', 'challenger-first']);
export type Order = z.infer<typeof OrderSchema>;

/**
 * One judge's verdict on one order, translated from positions (A/B) to sides (king/challenger).
 * An `abstained` verdict could not be parsed: it counts neither as a tie nor as a loss.
 */
export const VerdictSchema = z.looseObject({
  judge: z.string(),
  order: OrderSchema,
  status: z.enum(['parsed', 'abstained']),
  /** The verdict as the judge gave it, by position. */
  position_winner: z.enum(['A', 'B', 'tie']).optional(),
  winner: z.enum(['challenger', 'king', 'tie']).optional(),
  /** Preference for the challenger: 1 win, 0.5 tie, 0 loss. */
  p: z.number().min(0).max(1).optional(),
  scores: z.object({ challenger: DimensionScoresSchema, king: DimensionScoresSchema }).optional(),
  reason: z.string().optional(),
  /** Why the verdict abstained. */
  error: z.string().optional(),
});
export type Verdict = z.infer<typeof VerdictSchema>;

const SideMeansSchema = z.object({
  correctness: z.number().nullable(),
  grounding: z.number().nullable(),
  progress: z.number().nullable(),
  protocol: z.number().nullable(),
  efficiency: z.number().nullable(),
});

/** Everything `td judge` concluded about one turn. */
export const JudgementSchema = z.looseObject({
  /** What the challenger was compared with: the blind king, or the dataset's reference turn. */
  against: z.enum(['king', 'reference']),
  verdicts: z.array(VerdictSchema),
  parsed: z.number().int().min(0),
  total: z.number().int().min(0),
  parsed_fraction: z.number().min(0).max(1),
  /** Mean challenger preference over parsed verdicts; null when none parsed. */
  preference: z.number().min(0).max(1).nullable(),
  /** Mean dimension scores for each side over parsed verdicts. */
  dimensions: z.object({ challenger: SideMeansSchema, king: SideMeansSchema }),
  /** Judges whose two orders disagreed (the winner changed when the order was swapped). */
  flips: z.number().int().min(0),
  /** One-sided 95% bootstrap lower bound of the mean preference; null when none parsed. */
  lower_bound: z.number().min(0).max(1).nullable(),
});
export type Judgement = z.infer<typeof JudgementSchema>;
