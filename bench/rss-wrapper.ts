/**
 * Runs a Node script (argv[2]) in this process and, at exit, prints its peak resident set size on stderr
 * as `peak-rss-kb=N`: the bench's way to measure td's memory without external tools.
 */
import { pathToFileURL } from 'node:url';

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0]!, script!, ...args];
process.on('exit', () => {
  process.stderr.write(`peak-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
await import(pathToFileURL(script!).href);
