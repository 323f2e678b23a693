import type { ReportModel } from './report-model.js';
import { reportSections, type Table } from './report-sections.js';

/** A table cell: pipes escaped, line breaks flattened, so a hostile id cannot break the table. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** A GitHub-flavoured Markdown table (also used by td push's dataset card). */
export function markdownTable(table: Table): string {
  const lines = [
    `| ${table.header.map(cell).join(' | ')} |`,
    `|${table.numeric.map((numeric) => (numeric ? '---:' : '---')).join('|')}|`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** `DIR/report.md`: the whole report as GitHub-flavoured Markdown tables. */
export function renderMarkdown(model: ReportModel): string {
  const parts = ['# td report', ''];
  for (const section of reportSections(model)) {
    parts.push(`## ${section.title}`, '');
    for (const paragraph of section.paragraphs) parts.push(paragraph, '');
    for (const table of section.tables) parts.push(markdownTable(table), '');
    if (section.bullets.length > 0) parts.push(...section.bullets.map((bullet) => `- ${bullet}`), '');
  }
  return parts.join('\n');
}
