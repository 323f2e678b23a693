import { isWord } from '../../contract/agent-protocol.js';

/**
 * Whether tokens occur in a text as whole tokens: with no word character (`\w`) right before or right
 * after, as `(?<!\w)TOKEN(?!\w)` finds them. The leak check asks this of every identifier a turn names,
 * against the hidden PR and against the history: thousands of tokens against megabytes of text in a
 * pathological record, so a scan of the text per token (time growing with their product) is not an option.
 *
 * A whole-token occurrence lines the token's words (its maximal `\w` runs) up with whole words of the
 * text, so the text is indexed once by word, and a token is looked for only where its rarest word
 * stands. That is linear in practice; only when both the text and the tokens are built against each
 * other (a text of one repeated word, thousands of tokens made of it) could the comparisons add up, so
 * they are capped: past `budget` comparisons a token counts as occurring when each of its words does.
 */
export class WholeTokenIndex {
  /** Where each word of the text starts. */
  private readonly starts = new Map<string, number[]>();

  /**
   * @param budget comparisons left, shared by the indexes one check uses, so that past it all of them
   * answer by words alike (see wholeTokenBudget).
   */
  constructor(
    private readonly text: string,
    private readonly budget: { left: number },
  ) {
    for (const [word, start] of words(text)) {
      const list = this.starts.get(word);
      if (list) list.push(start);
      else this.starts.set(word, [start]);
    }
  }

  /** Whether `token` occurs in the text as a whole token. */
  has(token: string): boolean {
    let rarest: { word: string; offset: number; starts: number[] } | undefined;
    let wordCount = 0;
    for (const [word, offset] of words(token)) {
      const starts = this.starts.get(word);
      if (!starts) return false;
      wordCount++;
      if (!rarest || starts.length < rarest.starts.length) rarest = { word, offset, starts };
    }
    // A token of one word occurs whole exactly where the text has that word.
    if (rarest && wordCount === 1 && rarest.word.length === token.length) return true;
    if (!rarest) return this.scan(token);
    const cost = 1 + (token.length >> 5);
    for (const start of rarest.starts) {
      if (this.budget.left <= 0) return true;
      this.budget.left -= cost;
      const at = start - rarest.offset;
      if (at >= 0 && this.wholeAt(token, at)) return true;
    }
    return false;
  }

  private wholeAt(token: string, at: number): boolean {
    return !isWord(this.text.charCodeAt(at - 1)) && !isWord(this.text.charCodeAt(at + token.length)) && this.text.startsWith(token, at);
  }

  /** A token without word characters (not one the leak check makes): every place it occurs. */
  private scan(token: string): boolean {
    if (token === '') return false;
    for (let at = this.text.indexOf(token); at >= 0; at = this.text.indexOf(token, at + 1)) {
      if (this.budget.left-- <= 0 || this.wholeAt(token, at)) return true;
    }
    return false;
  }
}

/** The comparisons one check may spend over `texts`: 32 per character, at least a million. */
export function wholeTokenBudget(...texts: string[]): { left: number } {
  return { left: Math.max(1_000_000, 32 * texts.reduce((sum, text) => sum + text.length, 0)) };
}

/** The maximal `\w` runs of a text, with where each starts. */
function* words(text: string): Generator<[string, number]> {
  for (let i = 0; i < text.length; i++) {
    if (!isWord(text.charCodeAt(i))) continue;
    const start = i;
    while (i + 1 < text.length && isWord(text.charCodeAt(i + 1))) i++;
    yield [text.slice(start, i + 1), start];
  }
}
