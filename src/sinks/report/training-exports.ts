import type { ScoredRecord } from '../../contract/scored.js';
import { sidesByJudge } from '../../contract/verdict-sides.js';

/**
 * A DPO pair needs a win no judge and no presentation order disputes: every judge with a parsed
 * verdict parsed BOTH orders and preferred the challenger in both. A judge that parsed one order only
 * cannot show its verdict is order-consistent, so it disqualifies the turn; judges with no parsed
 * verdict at all are ignored. At least one judge must qualify.
 */
export function isDecisiveWin(record: ScoredRecord): boolean {
  if (record.score === null) return false;
  const byJudge = sidesByJudge(record.judgement.verdicts);
  if (byJudge.size === 0) return false;
  for (const { sides, conflict, unreadable } of byJudge.values()) {
    if (conflict || unreadable) return false;
    if (sides.get('king-first') !== 'challenger' || sides.get('challenger-first') !== 'challenger') return false;
  }
  return true;
}

/** The reply the challenger was judged against: the king's, or the dataset's own (`--against reference`). */
export function opponentReply(record: ScoredRecord): string | undefined {
  return record.judgement.against === 'reference' ? record.assistant : record.king;
}

const assistantTurn = (content: string): string => JSON.stringify({ role: 'assistant', content });

/**
 * `sft.jsonl`: `{messages: history + the challenger as the assistant turn, metadata}`. `historyJson` is
 * `JSON.stringify(record.messages)`, passed in because the caller serialises the history once per record.
 */
export function sftLine(record: ScoredRecord, historyJson: string): string {
  const metadata = { id: record.id, instance_id: record.instance_id, score: record.score };
  return `{"messages":${historyJson.slice(0, -1)},${assistantTurn(record.challenger)}],"metadata":${JSON.stringify(metadata)}}\n`;
}

/**
 * `dpo.jsonl`, in the conversational preference format trainers read (TRL's DPOTrainer):
 * `{prompt: history, chosen: [challenger], rejected: [opponent], metadata}`. Undefined when the turn is
 * not final (score below `finalMin`), is not a decisive win, has no opponent reply, or the two replies
 * are the same text (a pair with chosen == rejected teaches nothing and can destabilise DPO).
 *
 * For td judge's own scores a decisive win always scores 100, so the final condition adds nothing. It
 * matters for records `td import` made: their score is the seed's and may rest on verdicts the seed's
 * score file does not list, so a turn the seed did not score final does not become a pair on the
 * strength of the verdicts td can see.
 */
export function dpoLine(record: ScoredRecord, historyJson: string, finalMin: number): string | undefined {
  if (record.score === null || record.score < finalMin || !isDecisiveWin(record)) return undefined;
  const opponent = opponentReply(record);
  if (opponent === undefined || opponent.trim() === record.challenger.trim()) return undefined;
  const metadata = {
    id: record.id,
    instance_id: record.instance_id,
    score: record.score,
    lower_bound: record.judgement.lower_bound,
    against: record.judgement.against,
  };
  return `{"prompt":${historyJson},"chosen":[${assistantTurn(record.challenger)}],"rejected":[${assistantTurn(opponent)}],"metadata":${JSON.stringify(metadata)}}\n`;
}
