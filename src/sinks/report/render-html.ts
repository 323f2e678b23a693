import type { ReportModel } from './report-model.js';
import { opponentLabel, reportSections, type PlotName, type Table } from './report-sections.js';
import { dimensionBarsSvg, escapeXml, histogramSvg, judgeRatesSvg } from './svg-plots.js';

/** Nothing may be fetched: the policy makes a stray URL fail loudly in the browser instead of phoning out. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'";

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; max-width: 1100px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 10px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; }
th { background: #f5f5f5; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #fff; background: #2e7d32; padding: 1px 8px; border-radius: 3px; }
.fail { color: #fff; background: #c62828; padding: 1px 8px; border-radius: 3px; }
.plot { display: block; max-width: 100%; height: auto; margin: 12px 0; }
nav a { margin-right: 12px; }
`;

function htmlTable(table: Table): string {
  const head = table.header.map((h, i) => `<th${table.numeric[i] ? ' class="num"' : ''}>${escapeXml(h)}</th>`).join('');
  const rows = table.rows.map((row) => `<tr>${row.map((c, i) => `<td${table.numeric[i] ? ' class="num"' : ''}>${escapeXml(c)}</td>`).join('')}</tr>`);
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function plot(name: PlotName, model: ReportModel): string {
  switch (name) {
    case 'histogram':
      return histogramSvg(model.histogram, model.thresholds);
    case 'dimensions':
      return dimensionBarsSvg(model.dimensions, opponentLabel(model));
    case 'judges':
      return judgeRatesSvg(model.judges);
  }
}

/** `DIR/report.html`: the same sections as report.md plus inline SVG plots; one file, no script, works offline. */
export function renderHtml(model: ReportModel): string {
  const sections = reportSections(model);
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>td report</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>td report</h1>',
    `<nav>${sections.map((s) => `<a href="#${s.id}">${escapeXml(s.id === 'gate' ? 'Gate' : s.title)}</a>`).join('')}</nav>`,
  ];
  for (const section of sections) {
    const title =
      section.id === 'gate'
        ? `Gate: <span class="${model.gate.verdict}">${model.gate.verdict.toUpperCase()}</span>`
        : escapeXml(section.title);
    parts.push(`<section id="${section.id}">`, `<h2>${title}</h2>`);
    for (const paragraph of section.paragraphs) parts.push(`<p>${escapeXml(paragraph)}</p>`);
    for (const name of section.plots) parts.push(plot(name, model));
    for (const table of section.tables) parts.push(htmlTable(table));
    if (section.bullets.length > 0) parts.push(`<ul>${section.bullets.map((b) => `<li>${escapeXml(b)}</li>`).join('')}</ul>`);
    parts.push('</section>');
  }
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}
