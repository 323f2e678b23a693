/**
 * Indexing progress on stderr: on a terminal one line redrawn in place, elsewhere a plain line every
 * `intervalSeconds`. `td view: indexing 812 MB of 2.0 GB (40%), 41,200 turns, 12.3s`.
 */
export interface IndexProgress {
  update(bytesRead: number, totalBytes: number, turns: number): void;
  stop(): void;
}

const mb = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`);

export function indexProgress(write: (text: string) => void, options: { terminal: boolean; intervalSeconds: number; quiet: boolean }): IndexProgress {
  const started = Date.now();
  // Off a terminal the first line comes one interval in: a short index prints only its summary.
  let last = options.terminal ? 0 : started;
  let drawn = false;
  const line = (read: number, total: number, turns: number): string =>
    `td view: indexing ${mb(read)} of ${mb(total)} (${total > 0 ? Math.floor((read / total) * 100) : 100}%), ${turns.toLocaleString('en-US')} turns, ${((Date.now() - started) / 1000).toFixed(1)}s`;
  return {
    update(read, total, turns) {
      if (options.quiet) return;
      const now = Date.now();
      if (options.terminal) {
        if (now - last < 200) return;
        last = now;
        drawn = true;
        write(`\r\x1b[K${line(read, total, turns)}`);
      } else if (now - last >= options.intervalSeconds * 1000) {
        last = now;
        write(line(read, total, turns) + '\n');
      }
    },
    stop() {
      if (drawn) write('\r\x1b[K');
    },
  };
}
