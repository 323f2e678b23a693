import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines, runReport, tempDir } from '../helpers/report.js';
import { dims, scoredRecord, stageMeta, verdict } from '../helpers/scored.js';

const markdown = (out: string): string => readFileSync(join(out, 'report.md'), 'utf8');

describe('report.md content', () => {
  it('shows dimension means and win shares over parsed turns only', async () => {
    const scored = (index: number, challenger: number, king: number) =>
      scoredRecord({
        index,
        verdicts: [
          verdict({ order: 'king-first', winner: 'challenger', challenger: dims(challenger, { grounding: 5 }), king: dims(king, { grounding: 5 }) }),
          verdict({ order: 'challenger-first', winner: 'challenger', challenger: dims(challenger, { grounding: 5 }), king: dims(king, { grounding: 5 }) }),
        ],
      });
    const out = join(tempDir(), 'out');
    await runReport([scored(0, 9, 3), scored(1, 4, 6), scored(2, 7, 7), { ...scored(3, 1, 10), score: null }], { out });
    const text = markdown(out);
    expect(text).toContain('| correctness | 6.67 | 5.33 | 33.3% | 33.3% | 33.3% | 3 |');
    expect(text).toContain('| grounding | 5.00 | 5.00 | 0.0% | 100.0% | 0.0% | 3 |');
  });

  it('sums tokens and cost per stage in first-seen order, counting unreadable meta', async () => {
    const out = join(tempDir(), 'out');
    await runReport(
      [
        scoredRecord({ index: 0, meta: { king: stageMeta('m', 100, 10, 0.5), judge: stageMeta('j', 1000, 200) } }),
        scoredRecord({ index: 1, meta: { king: stageMeta('m', 50, 5, 0.25), judge: { calls: 'nope' } } }),
      ],
      { out },
    );
    const text = markdown(out);
    expect(text).toContain('| king | 2 | 2 | 150 | 15 | 0 | $0.7500 |');
    expect(text).toContain('| judge (1 unreadable) | 1 | 1 | 1000 | 200 | 0 | — |');
    expect(text.indexOf('| king |')).toBeLessThan(text.indexOf('| judge ('));
  });

  it('counts action styles and their mean scores', async () => {
    const out = join(tempDir(), 'out');
    const reply = (command: string): string => `THOUGHT: go.\n\n\`\`\`bash\n${command}\n\`\`\`\n`;
    await runReport(
      [
        scoredRecord({ index: 0, score: 90, challenger: reply('grep -rn foo src') }),
        scoredRecord({ index: 1, score: 50, challenger: reply('rg foo') }),
        scoredRecord({ index: 2, score: null, challenger: reply('sed -i s/a/b/ x.py') }),
      ],
      { out },
    );
    const text = markdown(out);
    expect(text).toContain('| search | 2 | 2 | 70.0 | 1 |');
    expect(text).toContain('| edit | 1 | 0 | — | 0 |');
    expect(readLines(out, 'turns.jsonl').map((row) => row.action)).toEqual(['search', 'search', 'edit']);
  });

  it('bounds the per-turn table by --table-rows while turns.jsonl keeps every turn', async () => {
    const out = join(tempDir(), 'out');
    const records = Array.from({ length: 7 }, (_, index) => scoredRecord({ index, score: 50 + index }));
    await runReport(records, { out, tableRows: 3 });
    const text = markdown(out);
    expect(text).toContain('The first 3 of 7 judged turns, in input order');
    expect(text.match(/^\| \d+\.\d \| data\/train/gm)).toHaveLength(3);
    expect(readLines(out, 'turns.jsonl')).toHaveLength(7);
  });

  it('escapes table cells so an id cannot break the Markdown table', async () => {
    const out = join(tempDir(), 'out');
    await runReport([{ ...scoredRecord({ score: 70 }), id: 'a|b\nc' }], { out });
    expect(markdown(out)).toContain('| 70.0 | a\\|b c | read |');
  });
});
