import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * td's own version, from its package.json (two levels above this module both in `src/core` and in
 * `dist/core`). Read once, when first asked: files td writes name the version that wrote them.
 */
export function tdVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
