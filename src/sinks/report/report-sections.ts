import { DIMENSIONS } from '../../contract/judgement.js';
import { DASH, fixed, percent, share, usd, versus } from './format.js';
import { signed } from './gate.js';
import type { ReviewSummary } from './marks.js';
import type { ReportModel } from './report-model.js';

/** A table as text cells; renderers decide the markup. */
export interface Table {
  header: string[];
  /** Right-aligned (numeric) columns. */
  numeric: boolean[];
  rows: string[][];
}

export type PlotName = 'histogram' | 'dimensions' | 'judges';

/** One section of the report, the same for report.md and report.html. */
export interface Section {
  id: string;
  title: string;
  /** Plain-text paragraphs before the tables. */
  paragraphs: string[];
  /** Plots drawn here (report.html only). */
  plots: PlotName[];
  tables: Table[];
  /** Plain-text bullet points after the tables. */
  bullets: string[];
}

function table(header: string[], rows: string[][], isNumeric: (column: number) => boolean = (column) => column >= 1): Table {
  return { header, numeric: header.map((_, column) => isNumeric(column)), rows };
}

/** What the challenger was compared with, in words: the king, the reference, or both. */
export function opponentLabel(model: ReportModel): string {
  const f = model.funnel;
  return f.against_reference > 0 ? (f.against_king > 0 ? 'king (or reference)' : 'reference') : 'king';
}

/** The funnel's rows for a reviewer's marks (`--marks`); none without marks. */
function reviewRows(f: ReportModel['funnel']): string[][] {
  if (f.review === undefined) return [];
  const r = f.review;
  return [
    ['rejected by review (rejected.jsonl, not exported)', String(r.rejected), share(r.rejected, f.judged)],
    [`accepted by review (in final whatever the score; ${r.promoted} promoted)`, String(r.accepted), share(r.accepted, f.judged)],
  ];
}

function reviewParagraph(r: ReviewSummary): string {
  return (
    `Review marks from ${r.file}: ${r.accepted} turns accepted (kept in final and the exports whatever their score; ${r.promoted} of them scored below final or did not parse), ` +
    `${r.rejected} rejected (in rejected.jsonl, out of every bucket and export)` +
    (r.unmatched > 0 ? `; ${r.unmatched} marks name ids that are not in this input.` : '.') +
    ' The gate is decided over every judged turn, marked or not.'
  );
}

export function reportSections(model: ReportModel): Section[] {
  const { funnel: f, gate: g, thresholds: t } = model;
  const opponent = opponentLabel(model);
  const sections: Section[] = [];

  sections.push({
    id: 'funnel',
    title: 'Acceptance funnel',
    paragraphs: [
      ...(model.offline.length > 0
        ? [
            `Offline providers in this run: ${model.offline.join(', ')}. They are td's own and ask no model (td/replay and td/repair answer with the dataset's ` +
              "reference turn, as it is or normalised to the agent's protocol; td/rules scores the text by rules): what they contribute shows the pipeline at work, not a model's quality.",
          ]
        : []),
      `Buckets: final at score >= ${t.finalMin}, refined at >= ${t.defeatMin}, defeat below; a turn whose judges did not parse (score null) is a parse-fail and is not exported.` +
        (f.against_reference > 0 ? ` Judged against the king: ${f.against_king}; against the dataset's reference turn: ${f.against_reference}.` : ''),
      ...(f.review === undefined ? [] : [reviewParagraph(f.review)]),
    ],
    plots: ['histogram'],
    tables: [
      table(
        ['', 'turns', 'share of judged'],
        [
          ['records read', String(f.read), ''],
          ['rejected as invalid (see the errors file)', String(f.invalid), ''],
          ['judged', String(f.judged), share(f.judged, f.judged)],
          ['parse-fail (parse-fail.jsonl, not exported)', String(f.parse_fail), share(f.parse_fail, f.judged)],
          ['parsed', String(f.parsed), share(f.parsed, f.judged)],
          [`final: score >= ${t.finalMin} (final.jsonl)`, String(f.final), share(f.final, f.judged)],
          [`refined: ${t.defeatMin} <= score < ${t.finalMin} (refined.jsonl)`, String(f.refined), share(f.refined, f.judged)],
          [`defeat: score < ${t.defeatMin} (defeat.jsonl)`, String(f.defeat), share(f.defeat, f.judged)],
          ...reviewRows(f),
          ['SFT examples (sft.jsonl, from final)', String(f.sft), share(f.sft, f.judged)],
          ['DPO pairs (dpo.jsonl, decisive order-consistent wins)', String(f.dpo), share(f.dpo, f.judged)],
        ],
      ),
    ],
    bullets: [],
  });

  sections.push({
    id: 'gate',
    title: `Gate: ${g.verdict.toUpperCase()}`,
    paragraphs: [
      `The challenger passes when the one-sided ${Math.round(g.confidence * 100)}% percentile-bootstrap lower bound of its margin over 0.5 is above ${g.min_margin} ` +
        `and at least ${g.min_parsed_fraction} of the judged turns parsed (${g.resamples} resamples over parsed turns, seed ${g.seed}).`,
      ...(g.estimated_turns > 0
        ? [
            `${g.estimated_turns} of the ${g.parsed} parsed turns stopped their judge panel early (td judge --panel adaptive or confident): the gate counts them at the full panel's estimated mean preference ` +
              `(judgement.preference_estimate), not at the mean of the verdicts asked, which leans to the extremes a panel stops on (see docs/judge.md).`,
          ]
        : []),
    ],
    plots: [],
    tables: [
      table(
        ['', 'value'],
        [
          ['mean challenger preference', fixed(g.mean_preference, 3)],
          ['margin over 0.5', g.margin === null ? DASH : signed(g.margin)],
          [`${Math.round(g.confidence * 100)}% lower bound of the margin`, g.margin_lower_bound === null ? DASH : signed(g.margin_lower_bound)],
          ['parsed fraction', fixed(g.parsed_fraction, 3)],
          ['parsed turns', String(g.parsed)],
        ],
      ),
    ],
    bullets: g.reasons.map((reason) => `fails: ${reason}`),
  });

  sections.push({
    id: 'dimensions',
    title: 'Dimensions',
    paragraphs: [`Mean scores (1-10) over parsed turns, challenger vs ${opponent}, and how often each side scored higher on the turn.`],
    plots: ['dimensions'],
    tables: [
      table(
        ['dimension', 'challenger mean', `${opponent} mean`, 'challenger higher', 'equal', `${opponent} higher`, 'turns'],
        model.dimensions.map((d) => [
          d.dimension,
          fixed(d.challenger_mean),
          fixed(d.king_mean),
          percent(d.challenger_wins),
          percent(d.ties),
          percent(d.king_wins),
          String(d.turns),
        ]),
      ),
    ],
    bullets: [],
  });

  sections.push({
    id: 'judges',
    title: 'Judge health',
    paragraphs: [
      'Parse rate: parsed verdicts / verdicts. Flip rate: turns whose winner changed when the order was swapped / turns parsed in both orders. ' +
        'P(first): decisive verdicts that picked the reply shown first (0.5 is unbiased). P(longer): decisive verdicts, between replies of different length, that picked the longer. ' +
        'Agreement: turns on which this judge and another reached the same decision (challenger, opponent or tie) / turns both decided.',
    ],
    plots: ['judges'],
    tables: [
      table(
        ['judge', 'verdicts', 'parse rate', 'flip rate', 'P(first)', 'P(longer)', 'agreement'],
        model.judges.map((j) => [
          j.judge,
          String(j.verdicts),
          percent(j.parse_rate),
          percent(j.flip_rate),
          fixed(j.prefers_first, 3),
          fixed(j.prefers_longer, 3),
          percent(j.agreement),
        ]),
      ),
      ...(model.judgePairs.length > 0
        ? [table(['judges', 'turns both decided', 'agreement'], model.judgePairs.map((p) => [p.judges.join(' vs '), String(p.turns), percent(p.agreement)]))]
        : []),
    ],
    bullets: [],
  });

  sections.push({
    id: 'actions',
    title: 'Action styles',
    paragraphs: ["What the challenger's bash command did, and how those turns scored."],
    plots: [],
    tables: [
      table(
        ['action', 'turns', 'parsed', 'mean score', 'final'],
        model.actions.filter((a) => a.turns > 0).map((a) => [a.action, String(a.turns), String(a.parsed), fixed(a.mean_score, 1), String(a.final)]),
      ),
    ],
    bullets: [],
  });

  sections.push({
    id: 'usage',
    title: 'Tokens and cost',
    paragraphs: model.usage.length > 0 ? ['Summed per stage from meta.<stage> of the judged turns (cached calls count what they cost when made).'] : ['No record carried meta.'],
    plots: [],
    tables:
      model.usage.length > 0
        ? [
            table(
              ['stage', 'records', 'calls', 'prompt tokens', 'completion tokens', 'reasoning tokens', 'cost'],
              model.usage.map((u) => [
                u.stage + (u.unreadable > 0 ? ` (${u.unreadable} unreadable)` : ''),
                String(u.records),
                String(u.calls),
                String(u.prompt_tokens),
                String(u.completion_tokens),
                String(u.reasoning_tokens),
                usd(u.cost_usd),
              ]),
            ),
          ]
        : [],
    bullets: [],
  });

  const shown = model.turns.length;
  sections.push({
    id: 'turns',
    title: 'Turns',
    paragraphs: [
      shown === 0
        ? 'No rows shown (every judged turn is in turns.jsonl).'
        : `${shown === f.judged ? `All ${f.judged} judged turns` : `The first ${shown} of ${f.judged} judged turns`}, in input order (every turn is in turns.jsonl). ` +
          `Dimension cells are challenger/${opponent} mean scores.`,
    ],
    plots: [],
    tables:
      shown === 0
        ? []
        : [
            table(
              ['score', 'id', 'action', ...DIMENSIONS],
              model.turns.map((row) => [
                row.score === null ? 'parse-fail' : fixed(row.score, 1),
                row.id,
                row.action,
                ...DIMENSIONS.map((d) => versus(row.challenger[d], row.king[d])),
              ]),
              (column) => column === 0 || column >= 3,
            ),
          ],
    bullets: [],
  });
  return sections;
}
