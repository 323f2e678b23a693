import { describe, expect, it } from 'vitest';
import { dpoLine, isDecisiveWin, sftLine } from '../../src/sinks/report/training-exports.js';
import { scoredRecord, verdict, verdictsOf } from '../helpers/scored.js';

const dpo = (record: ReturnType<typeof scoredRecord>): Record<string, unknown> | undefined => {
  const line = dpoLine(record, JSON.stringify(record.messages), 80);
  return line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>);
};

describe('isDecisiveWin', () => {
  it('accepts a win every parsed judge gave in both orders', () => {
    expect(isDecisiveWin(scoredRecord({ verdicts: verdictsOf([['a', 'challenger', 'challenger'], ['b', 'challenger', 'challenger']]) }))).toBe(true);
  });

  it.each([
    ['a tie in one order', [['a', 'challenger', 'tie']]],
    ['a loss in one order', [['a', 'king', 'challenger']]],
    ['a second judge disagreeing', [['a', 'challenger', 'challenger'], ['b', 'challenger', 'king']]],
    ['a judge that parsed one order only', [['a', 'challenger', 'challenger'], ['b', 'challenger', undefined]]],
    ['no parsed verdict at all', [['a', undefined, undefined]]],
  ] as const)('rejects %s', (_label, perJudge) => {
    expect(isDecisiveWin(scoredRecord({ verdicts: verdictsOf(perJudge) }))).toBe(false);
  });

  it('ignores a judge that abstained in both orders', () => {
    expect(isDecisiveWin(scoredRecord({ verdicts: verdictsOf([['a', 'challenger', 'challenger'], ['b', undefined, undefined]]) }))).toBe(true);
  });

  it('rejects contradicting repeated verdicts for one order', () => {
    const verdicts = [...verdictsOf([['a', 'challenger', 'challenger']]), verdict({ judge: 'a', order: 'king-first', winner: 'king' })];
    expect(isDecisiveWin(scoredRecord({ verdicts }))).toBe(false);
  });

  it('rejects a parse-fail turn', () => {
    expect(isDecisiveWin(scoredRecord({ score: null }))).toBe(false);
  });
});

describe('training exports', () => {
  it('writes SFT as the history plus the challenger as the assistant turn', () => {
    const record = scoredRecord({ score: 90 });
    const line = JSON.parse(sftLine(record, JSON.stringify(record.messages))) as { messages: Array<{ role: string; content: string }>; metadata: unknown };
    expect(line.messages).toEqual([...record.messages, { role: 'assistant', content: record.challenger }]);
    expect(line.metadata).toEqual({ id: record.id, instance_id: record.instance_id, score: 90 });
  });

  it('writes a DPO pair with the king as rejected and score and lower bound as metadata', () => {
    const record = scoredRecord();
    expect(dpo(record)).toEqual({
      prompt: record.messages,
      chosen: [{ role: 'assistant', content: record.challenger }],
      rejected: [{ role: 'assistant', content: record.king }],
      metadata: { id: record.id, instance_id: record.instance_id, score: 100, lower_bound: 1, against: 'king' },
    });
  });

  it('uses the reference reply as rejected when judged against the reference', () => {
    const record = scoredRecord({ against: 'reference' });
    expect(record.king).toBeUndefined();
    expect((dpo(record)!.rejected as Array<{ content: string }>)[0]!.content).toBe(record.assistant);
  });

  it('never writes a pair whose chosen and rejected are the same text', () => {
    const same = 'THOUGHT: same.\n\n```bash\nls\n```\n';
    expect(dpo(scoredRecord({ challenger: same, king: `${same}  ` }))).toBeUndefined();
  });

  it('writes no pair for a turn that is not final, even with a decisive win in the verdicts it lists (an imported seed score)', () => {
    // td import keeps the seed's score: 70 here, though the one judge its file lists won in both orders.
    const imported = scoredRecord({ score: 70, verdicts: verdictsOf([['a', 'challenger', 'challenger']]) });
    expect(isDecisiveWin(imported)).toBe(true);
    expect(dpo(imported)).toBeUndefined();
    expect(dpoLine(imported, JSON.stringify(imported.messages), 70)).toBeDefined();
  });

  it('writes no pair for an order-inconsistent win', () => {
    expect(dpo(scoredRecord({ verdicts: verdictsOf([['a', 'challenger', 'king']]), score: 90 }))).toBeUndefined();
  });
});
