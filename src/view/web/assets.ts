import { readFileSync } from 'node:fs';
import type { ViewResponse } from '../server/http-server.js';
import { STYLE } from './style.js';

/**
 * The static files td view serves, read once at start from fixed places in its own install (the
 * browser script is compiled to dist/view/web/client/app.js by `npm run build`). A fixed table:
 * no request path is ever turned into a file name.
 */
export function staticAssets(): Map<string, ViewResponse> {
  const assets = new Map<string, ViewResponse>([['/static/style.css', { status: 200, type: 'text/css; charset=utf-8', body: STYLE }]]);
  const script = readScript();
  if (script !== undefined) assets.set('/static/app.js', { status: 200, type: 'text/javascript; charset=utf-8', body: script });
  return assets;
}

/** The browser script, without its source-map comment; undefined when running from the sources unbuilt (tests). */
function readScript(): string | undefined {
  try {
    return readFileSync(new URL('./client/app.js', import.meta.url), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  } catch {
    return undefined;
  }
}
