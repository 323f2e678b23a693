import { html, type Html } from './html.js';

/** What every page needs to know about the running td view. */
export interface PageContext {
  /** The session token: every link carries it. */
  token: string;
  /** PATH as given, shown in the header. */
  source: string;
  /** Why marks cannot be saved, when they cannot. */
  readOnly: string | undefined;
  marksFile: string;
}

/** A link to one of td view's own pages, with the token first and then `params`. */
export function link(context: PageContext, path: string, params: ReadonlyArray<[string, string]> = []): string {
  return `${path}?${new URLSearchParams([['t', context.token], ...params]).toString()}`;
}

/** The page shell: header, the stylesheet and the script (both served by td view itself), the body. */
export function page(context: PageContext, options: { kind: 'list' | 'turn' | 'error'; title: string; body: Html }): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="td-token" content="${context.token}">
<title>${options.title} · td view</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${link(context, '/static/style.css')}">
<script type="module" src="${link(context, '/static/app.js')}"></script>
</head>
<body data-page="${options.kind}"${context.readOnly ? html` data-read-only="${context.readOnly}"` : ''}>
<header class="top"><span class="brand"><a href="${link(context, '/')}">td view</a></span><span class="source">${context.source}</span><span class="source">marks: ${context.marksFile}</span></header>
<main>
${options.body}
</main>
</body>
</html>
`.text;
}

export function errorPage(context: PageContext, title: string, message: string): string {
  return page(context, { kind: 'error', title, body: html`<div class="error-page"><h1>${title}</h1><p>${message}</p><p><a href="${link(context, '/')}">back to the list</a></p></div>` });
}
