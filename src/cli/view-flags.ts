import type { FlagSpec } from '../core/stage-spec.js';

/**
 * `td view`'s flags (PATH is its argument). Plain data in a module of its own, so building the CLI
 * does not load td view itself (src/cli/view-command.ts is imported when td view runs).
 */
export const VIEW_FLAGS: readonly FlagSpec[] = [
  { key: 'port', flags: '--port <n>', description: 'port to serve on', defaultText: 'a free one' },
  { key: 'host', flags: '--host <address>', description: 'address to bind (anything but loopback is warned about: the records become reachable from elsewhere)', defaultText: '127.0.0.1' },
  { key: 'open', flags: '--open', description: 'open the URL in a browser ($BROWSER, else the system opener)' },
  { key: 'marks', flags: '--marks <file>', description: 'marks file: read at start, each accept/reject appended as {id, mark, note, at}', defaultText: 'PATH.marks.jsonl' },
  { key: 'errors', flags: '--errors <file>', description: 'append every line left out of the index to FILE as JSON: {stage, kind, reason, source, line, id, error, raw|record}' },
  { key: 'maxLineBytes', flags: '--max-line-bytes <size>', description: 'leave out longer lines (e.g. 64MiB)', defaultText: '64MiB' },
  { key: 'quiet', flags: '-q, --quiet', description: 'print only warnings, failures and the URL on stderr' },
];
