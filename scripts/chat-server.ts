/**
 * The test chat-completions server as its own process, for unix-pipe tests and trying td by hand:
 *
 *   npm run build:tools && node dist-tools/scripts/chat-server.js [--latency MS] [--fault-rate R] [--seed N] [--port N]
 *
 * Prints its base URL (`http://127.0.0.1:PORT/v1`) as the first line on stdout, then serves well-formed
 * agent turns (`scripts.wellFormed`), with a fraction R of requests faulted (429, 500, 503, resets,
 * truncated and invalid bodies). On SIGTERM or SIGINT it prints `requests N, max in flight M` on stderr
 * and exits 0.
 */
import { parseArgs } from 'node:util';
import { scripts, startChatServer } from '../test/helpers/chat-server.js';

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '0' },
    'fault-rate': { type: 'string', default: '0' },
    seed: { type: 'string', default: '0' },
    port: { type: 'string', default: '0' },
  },
});
const number = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`chat-server: --${name}: expected a number from 0 and up, got ${JSON.stringify(text)}\n`);
    process.exit(64);
  }
  return value;
};
const rate = number('fault-rate', values['fault-rate']);
const server = await startChatServer({
  latencyMs: number('latency', values.latency),
  port: number('port', values.port),
  script: rate > 0 ? scripts.faulty({ rate, seed: number('seed', values.seed) }) : scripts.wellFormed(),
});
process.stdout.write(`${server.url}\n`);
const stop = async (): Promise<void> => {
  process.stderr.write(`chat-server: requests ${server.chatRequests().length}, max in flight ${server.maxInFlight}\n`);
  await server.close();
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
