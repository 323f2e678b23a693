import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { jsonl, turnRecord } from '../helpers/records.js';
import { scoredRecord } from '../helpers/scored.js';

describe('td validate --as', () => {
  it('duel: passes a turn with both sides of the duel unchanged and rejects one without the king, naming what to run', async () => {
    const duel = turnRecord({ id: 'd1', king: 'THOUGHT: k\n\n```bash\nls\n```', challenger: 'THOUGHT: c\n\n```bash\nls -la\n```' });
    const noKing = turnRecord({ id: 'd2', challenger: 'THOUGHT: c\n\n```bash\nls\n```' });
    const result = await runCli(['validate', '--as', 'duel'], { input: jsonl([duel, noKing]) });
    expect(result.code).toBe(65);
    expect(result.stdout).toBe(JSON.stringify(duel) + '\n');
    expect(result.stderr).toContain(
      "<stdin>:2: schema: king: missing (expected a string: the king's turn (run td king first, or judge against the reference with --against reference)) (td validate)",
    );
    expect(result.stderr).toMatch(/td validate: in 2, out 1, failed 1 \(schema 1\), /);
  });

  it('duel: a scored record is a duel too (it has both turns); a plain turn is not', async () => {
    const scored = scoredRecord();
    const result = await runCli(['validate', '--as', 'duel'], { input: jsonl([scored, turnRecord({ id: 't' })]) });
    expect(result.stdout).toBe(JSON.stringify(scored) + '\n');
    expect(result.stderr).toMatch(/td validate: in 2, out 1, failed 1 \(schema 1\), /);
  });

  it('rejects an unknown contract before reading, naming the three it knows (exit 64)', async () => {
    const result = await runCli(['validate', '--as', 'verdict'], { input: '' });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe('td validate: --as: expected one of turn|duel|scored, got "verdict" (string)\n');
  });
});
