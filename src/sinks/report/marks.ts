import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EXIT } from '../../core/exit-codes.js';
import { fileError } from '../../core/file-error.js';
import { TdError } from '../../core/td-error.js';
import { describeValue, formatZodError } from '../../core/zod-format.js';
import type { TurnOutcome } from './report-stats.js';

/**
 * A reviewer's marks on turns, as `td view` appends them (one JSON line each, `{id, mark, note, at}`)
 * and `td report --marks FILE` applies them. The last mark for an id wins; `clear` takes a mark back.
 */

export const MARK_VALUES = ['accept', 'reject', 'clear'] as const;
export type MarkValue = (typeof MARK_VALUES)[number];

/** One line of a marks file. Unknown keys pass (a later td may add some). */
export const MarkSchema = z.looseObject({
  id: z.string().min(1),
  mark: z.enum(MARK_VALUES),
  note: z.string().optional(),
  /** When the mark was made (ISO 8601, as `new Date().toISOString()` writes it). */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type Mark = z.infer<typeof MarkSchema>;

/** Bad lines named in one error before the rest are only counted. */
const MAX_LISTED = 20;

/**
 * The marks in effect: the last line for each id, `clear` lines removing a mark. Every line is
 * checked; any bad line fails the whole file (a mark silently skipped would undo a reviewer's
 * decision), with one `FILE:LINE: problem` line per bad line, exit 65.
 */
export function parseMarks(text: string, name: string): Map<string, Mark> {
  const marks = new Map<string, Mark>();
  const problems: string[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (index === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    if (line.trim() === '') continue;
    const where = `${name}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push(`${where}: invalid JSON: ${(error as Error).message}`);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${where}: expected a JSON object {id, mark, note, at}, got ${describeValue(value)}`);
      continue;
    }
    const parsed = MarkSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) {
      problems.push(`${where}: ${formatZodError(parsed.error)}`);
      continue;
    }
    if (parsed.data.mark === 'clear') marks.delete(parsed.data.id);
    else marks.set(parsed.data.id, parsed.data);
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED);
    const more = problems.length > MAX_LISTED ? [`(and ${problems.length - MAX_LISTED} more bad lines)`] : [];
    throw new TdError(
      [`marks file ${name} has ${problems.length} bad line${problems.length === 1 ? '' : 's'} (fix or remove ${problems.length === 1 ? 'it' : 'them'}; no mark was applied):`, ...listed, ...more].join('\n'),
      EXIT.dataError,
      'bad-marks',
    );
  }
  return marks;
}

/** Reads and checks a marks file; a file that cannot be read is exit 66. */
export function readMarks(path: string): Map<string, Mark> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fileError('cannot read marks file', path, error, EXIT.noInput);
  }
  return parseMarks(text, path);
}

/** What `td report --marks` did with the marks, for the funnel and the summary line. */
export interface ReviewSummary {
  /** The marks file. */
  file: string;
  /** Turns marked accept, written to final.jsonl (and the exports) whatever their score. */
  accepted: number;
  /** Of those, turns their score alone would have put elsewhere (refined, defeat, parse-fail). */
  promoted: number;
  /** Turns marked reject, written to rejected.jsonl and to no export. */
  rejected: number;
  /** Marks whose id no input record had. */
  unmatched: number;
}

/**
 * `td report --marks FILE`: decides where a judged turn goes once a reviewer has marked it. Accepted
 * turns go to final (so into sft.jsonl, and dpo.jsonl when the win is decisive) whatever their score;
 * rejected turns go to rejected.jsonl, out of every bucket and export. The gate is not touched: it
 * measures the challenger against its opponent over every judged turn.
 */
export class ReviewMarks {
  private readonly matched = new Set<string>();
  private accepted = 0;
  private promoted = 0;
  private rejected = 0;

  private constructor(
    readonly file: string,
    private readonly marks: Map<string, Mark>,
  ) {}

  /** Loads FILE before any input is read: unreadable is exit 66, a bad line exit 65. */
  static load(file: string): ReviewMarks {
    return new ReviewMarks(file, readMarks(file));
  }

  /** The mark in effect for `id`, if any. */
  markOf(id: string): 'accept' | 'reject' | undefined {
    const mark = this.marks.get(id)?.mark;
    return mark === 'accept' || mark === 'reject' ? mark : undefined;
  }

  /** Where a turn goes: `scored` is where its score alone puts it. Counts what it decides. */
  route(id: string, scored: TurnOutcome): TurnOutcome {
    const mark = this.markOf(id);
    if (mark === undefined) return scored;
    this.matched.add(id);
    if (mark === 'reject') {
      this.rejected++;
      return 'rejected';
    }
    this.accepted++;
    if (scored !== 'final') this.promoted++;
    return 'final';
  }

  summary(): ReviewSummary {
    let unmatched = 0;
    for (const id of this.marks.keys()) if (!this.matched.has(id)) unmatched++;
    return { file: this.file, accepted: this.accepted, promoted: this.promoted, rejected: this.rejected, unmatched };
  }
}

/** The summary line's part for the marks: `marks: accepted 3, rejected 2; `. */
export function reviewLogText(review: ReviewSummary): string {
  const unmatched = review.unmatched > 0 ? `, ${review.unmatched} for ids not in the input` : '';
  return `marks: accepted ${review.accepted}, rejected ${review.rejected}${unmatched}; `;
}
