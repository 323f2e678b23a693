import type { DimensionRow } from './dimension-stats.js';
import type { JudgeHealthRow } from './judge-health.js';

/** Inline SVG plots for report.html: drawn here from numbers, no library, no script, nothing fetched. */

export const COLORS = { final: '#2e7d32', refined: '#f9a825', defeat: '#c62828', challenger: '#1565c0', king: '#9e9e9e', parse: '#2e7d32', flip: '#c62828' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const n = (value: number): string => String(Math.round(value * 10) / 10);

function svg(id: string, width: number, height: number, label: string, body: string[]): string {
  return [
    `<svg id="${id}" class="plot" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(label)}">`,
    `<title>${escapeXml(label)}</title>`,
    ...body,
    '</svg>',
  ].join('\n');
}

function rect(x: number, y: number, width: number, height: number, fill: string, tip: string): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, width))}" height="${n(Math.max(0, height))}" fill="${fill}"><title>${escapeXml(tip)}</title></rect>`;
}

function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end' = 'middle'): string {
  return `<text x="${n(x)}" y="${n(y)}" text-anchor="${anchor}" font-size="11" fill="#333">${escapeXml(content)}</text>`;
}

function legend(x: number, y: number, items: Array<[string, string]>): string[] {
  return items.flatMap(([label, color], i) => [rect(x + i * 110, y - 9, 10, 10, color, label), text(x + i * 110 + 14, y, label, 'start')]);
}

/** Score histogram in bins of 2 points, coloured by bucket, with dashed lines at the two thresholds. */
export function histogramSvg(histogram: readonly number[], thresholds: { finalMin: number; defeatMin: number }): string {
  const width = 720;
  const height = 260;
  const left = 44;
  const right = 12;
  const top = 34;
  const bottom = 34;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const bins = new Array<number>(50).fill(0);
  histogram.forEach((count, score) => (bins[Math.min(49, Math.floor(score / 2))]! += count));
  const max = Math.max(1, ...bins);
  const x = (score: number): number => left + (score / 100) * plotWidth;
  const y = (count: number): number => top + plotHeight - (count / max) * plotHeight;
  const body: string[] = [];
  body.push(`<line x1="${left}" y1="${top + plotHeight}" x2="${width - right}" y2="${top + plotHeight}" stroke="#333"/>`);
  body.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" stroke="#333"/>`);
  bins.forEach((count, i) => {
    const from = i * 2;
    const color = from >= thresholds.finalMin ? COLORS.final : from >= thresholds.defeatMin ? COLORS.refined : COLORS.defeat;
    body.push(rect(x(from) + 1, y(count), x(2) - x(0) - 2, top + plotHeight - y(count), color, `score ${from}-${from + 2}${i === 49 ? ' (incl. 100)' : ''}: ${count} turns`));
  });
  for (let score = 0; score <= 100; score += 10) body.push(text(x(score), top + plotHeight + 14, String(score)));
  body.push(text(left + plotWidth / 2, height - 4, 'score'));
  body.push(text(left - 6, top + 4, String(max), 'end'), text(left - 6, top + plotHeight, '0', 'end'));
  for (const value of [thresholds.defeatMin, thresholds.finalMin]) {
    body.push(`<line class="threshold" x1="${n(x(value))}" y1="${top - 4}" x2="${n(x(value))}" y2="${top + plotHeight}" stroke="#000" stroke-dasharray="4 3"/>`);
    body.push(text(x(value), top - 7, String(value)));
  }
  body.push(...legend(left + 8, 12, [['defeat', COLORS.defeat], ['refined', COLORS.refined], ['final', COLORS.final]]));
  return svg('plot-histogram', width, height, 'Score histogram of parsed turns', body);
}

/** Challenger vs opponent mean score per dimension (1-10). */
export function dimensionBarsSvg(rows: readonly DimensionRow[], opponent: string): string {
  const width = 720;
  const height = 240;
  const left = 36;
  const top = 30;
  const bottom = 30;
  const plotHeight = height - top - bottom;
  const groupWidth = (width - left - 12) / Math.max(1, rows.length);
  const barWidth = groupWidth * 0.32;
  const y = (value: number): number => top + plotHeight - (value / 10) * plotHeight;
  const body: string[] = [...legend(left + 4, 14, [['challenger', COLORS.challenger], [opponent, COLORS.king]])];
  body.push(`<line x1="${left}" y1="${top + plotHeight}" x2="${width - 12}" y2="${top + plotHeight}" stroke="#333"/>`);
  for (const tick of [0, 5, 10]) body.push(text(left - 6, y(tick) + 4, String(tick), 'end'));
  rows.forEach((row, i) => {
    const center = left + groupWidth * (i + 0.5);
    const c = row.challenger_mean ?? 0;
    const k = row.king_mean ?? 0;
    body.push(rect(center - barWidth - 1, y(c), barWidth, top + plotHeight - y(c), COLORS.challenger, `${row.dimension}: challenger ${c.toFixed(2)}`));
    body.push(rect(center + 1, y(k), barWidth, top + plotHeight - y(k), COLORS.king, `${row.dimension}: ${opponent} ${k.toFixed(2)}`));
    body.push(text(center, top + plotHeight + 16, row.dimension));
  });
  return svg('plot-dimensions', width, height, 'Mean score per dimension', body);
}

/** Parse rate and position-flip rate per judge, as horizontal bars (judge names can be long). */
export function judgeRatesSvg(rows: readonly JudgeHealthRow[]): string {
  const width = 720;
  const labelWidth = 230;
  const rowHeight = 34;
  const top = 30;
  const height = top + Math.max(1, rows.length) * rowHeight + 24;
  const plotWidth = width - labelWidth - 50;
  const x = (rate: number): number => labelWidth + rate * plotWidth;
  const body: string[] = [...legend(labelWidth, 14, [['parse rate', COLORS.parse], ['flip rate', COLORS.flip]])];
  rows.forEach((row, i) => {
    const y0 = top + i * rowHeight;
    const name = row.judge.length > 36 ? `${row.judge.slice(0, 35)}…` : row.judge;
    body.push(text(labelWidth - 8, y0 + 18, name, 'end'));
    const parse = row.parse_rate ?? 0;
    const flip = row.flip_rate ?? 0;
    body.push(rect(labelWidth, y0 + 4, x(parse) - labelWidth, 12, COLORS.parse, `${row.judge}: parse rate ${(parse * 100).toFixed(1)}%`));
    body.push(text(x(parse) + 4, y0 + 14, `${(parse * 100).toFixed(0)}%`, 'start'));
    body.push(rect(labelWidth, y0 + 17, x(flip) - labelWidth, 12, COLORS.flip, `${row.judge}: flip rate ${(flip * 100).toFixed(1)}%`));
    body.push(text(x(flip) + 4, y0 + 27, `${(flip * 100).toFixed(0)}%`, 'start'));
  });
  const axisY = top + Math.max(1, rows.length) * rowHeight + 4;
  body.push(`<line x1="${labelWidth}" y1="${axisY}" x2="${labelWidth + plotWidth}" y2="${axisY}" stroke="#333"/>`);
  for (const tick of [0, 0.5, 1]) body.push(text(x(tick), axisY + 14, `${tick * 100}%`));
  return svg('plot-judges', width, height, 'Parse rate and flip rate per judge', body);
}
