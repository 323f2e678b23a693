import { sleep } from './sleep.js';

const WINDOW_MS = 60_000;

interface Spend {
  at: number;
  tokens: number;
}

/**
 * A sliding one-minute window of tokens for `--tpm`. A call reserves its estimated tokens before it
 * starts (waiting while the window is full) and settles them to the real count when its usage is known.
 * A window with nothing in it always admits one call, so a single call larger than the limit still runs.
 */
export class TokenWindow {
  private readonly spends: Spend[] = [];

  constructor(
    readonly tokensPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  async reserve(estimate: number, signal?: AbortSignal): Promise<Spend> {
    for (;;) {
      this.prune();
      if (this.spends.length === 0 || this.used() + estimate <= this.tokensPerMinute) {
        const spend = { at: this.now(), tokens: estimate };
        this.spends.push(spend);
        return spend;
      }
      await sleep(this.spends[0]!.at + WINDOW_MS - this.now() + 1, signal);
    }
  }

  settle(spend: Spend, tokens: number): void {
    spend.tokens = tokens;
  }

  used(): number {
    let total = 0;
    for (const spend of this.spends) total += spend.tokens;
    return total;
  }

  private prune(): void {
    const horizon = this.now() - WINDOW_MS;
    while (this.spends.length > 0 && this.spends[0]!.at <= horizon) this.spends.shift();
  }
}

export type TokenSpend = Spend;
