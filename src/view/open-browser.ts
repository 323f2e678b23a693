import { spawn } from 'node:child_process';
import type { Logger } from '../core/logger.js';

/**
 * `--open`: the URL in the user's browser. `$BROWSER` (a command; the URL is its last argument) when
 * set, else the platform's opener. Never fails the command: without a browser, the printed URL stays.
 */
export function openBrowser(url: string, log: Logger, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): void {
  const browser = env.BROWSER?.trim();
  const [command, args] =
    browser !== undefined && browser !== ''
      ? [browser, [url]]
      : platform === 'darwin'
        ? ['open', [url]]
        : platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
          : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false });
    child.on('error', (error) => log.warn(`cannot open a browser (${command}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : error.message}); open the URL above`));
    child.unref();
  } catch (error) {
    log.warn(`cannot open a browser (${command}: ${(error as Error).message}); open the URL above`);
  }
}
