/** `812 B`, `4.2 kB`, `13.0 MB`, `1.25 GB` (SI units, as the Hub shows sizes). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** `45s`, `3m05s`, `2h07m`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface ProgressSettings {
  /** `auto`: redrawn in place on a terminal, plain lines elsewhere; `bars` always redraws; `off` prints nothing. */
  mode: 'auto' | 'bars' | 'lines' | 'off';
  /** Seconds between plain lines. */
  intervalSeconds: number;
  /** Where progress goes (stderr). */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Prefix of every line: `td push`. */
  prefix: string;
}

const REDRAW_MS = 250;

/**
 * Bytes moved in one phase (hashing, uploading), shown as `td push: uploading 12.5 MB of 40.0 MB (31%),
 * 3.1 MB/s, ETA 9s`: redrawn on a terminal, or one plain line every interval. Never keeps the process alive.
 */
export class TransferProgress {
  private done = 0;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly redraw: boolean;

  constructor(
    private readonly verb: string,
    private readonly total: number,
    private readonly settings: ProgressSettings,
  ) {
    this.redraw = settings.mode === 'bars' || (settings.mode === 'auto' && settings.stream.isTTY === true);
    if (settings.mode === 'off') return;
    this.timer = setInterval(() => this.show(), this.redraw ? REDRAW_MS : settings.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Counts bytes sent (negative: an attempt that failed and will be sent again). */
  add(bytes: number): void {
    this.done = Math.max(0, this.done + bytes);
  }

  get bytes(): number {
    return this.done;
  }

  /** The current line: what is done, of what, the rate and the time left. */
  line(now = Date.now()): string {
    const seconds = Math.max((now - this.started) / 1000, 1e-3);
    const rate = this.done / seconds;
    const shown = Math.min(this.done, this.total);
    const percent = this.total > 0 ? ` (${Math.floor((100 * shown) / this.total)}%)` : '';
    const eta = rate > 0 && this.total > shown ? `, ETA ${formatSeconds((this.total - shown) / rate)}` : '';
    return `${this.settings.prefix}: ${this.verb} ${formatBytes(shown)} of ${formatBytes(this.total)}${percent}, ${formatBytes(rate)}/s${eta}`;
  }

  private show(): void {
    try {
      this.settings.stream.write(this.redraw ? `\r\x1b[K${this.line()}` : `${this.line()}\n`);
    } catch {
      // stderr closed: progress has nowhere to go.
    }
  }

  /** Stops the updates and clears a redrawn line; returns the seconds the phase took. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    if (this.redraw && this.settings.mode !== 'off') {
      try {
        this.settings.stream.write('\r\x1b[K');
      } catch {
        // as above
      }
    }
    return (Date.now() - this.started) / 1000;
  }
}
