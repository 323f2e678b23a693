/** `0.05s`, `1.5s`, `90s`: a duration in milliseconds as seconds for messages, without float noise. */
export function formatDuration(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}
