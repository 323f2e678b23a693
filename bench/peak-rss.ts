import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * `node peak-rss.js OUT_FILE SCRIPT ARGS...`: runs SCRIPT as if it were the entry point, and writes
 * the process's peak RSS in KiB to OUT_FILE when it exits.
 */
const [outFile, script, ...args] = process.argv.slice(2);
if (outFile === undefined || script === undefined) throw new Error('usage: peak-rss OUT_FILE SCRIPT [ARGS...]');
process.argv = [process.argv[0]!, script, ...args];
process.on('exit', () => writeFileSync(outFile, String(process.resourceUsage().maxRSS)));
await import(pathToFileURL(script).href);
