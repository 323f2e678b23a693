/**
 * The small glob dialect of dataset URIs: `*` (within one path segment), `**` (any number of segments),
 * `?` (one character) and `[abc]` classes. Enough for `data/train-*.parquet` and `**\/*.jsonl`; no braces.
 */

const GLOB_CHARS = /[*?[]/;

export function hasGlob(path: string): boolean {
  return GLOB_CHARS.test(path);
}

/**
 * Splits a path into its fixed directory part and the pattern after it:
 * `data/train-*.parquet` -> `{ base: 'data', pattern: 'train-*.parquet' }`.
 * A path without wildcards has its directory as base and its file name as pattern.
 */
export function splitGlob(path: string): { base: string; pattern: string } {
  const segments = path.split('/');
  const firstGlob = segments.findIndex((segment) => hasGlob(segment));
  const cut = firstGlob === -1 ? segments.length - 1 : firstGlob;
  return { base: segments.slice(0, cut).join('/'), pattern: segments.slice(cut).join('/') };
}

/** Compiles a glob pattern (matched against a whole `/`-separated relative path) to a RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches zero or more whole segments; a trailing `**` matches the rest.
        const slash = pattern[i + 2] === '/';
        source += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) {
        source += '\\[';
      } else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else {
      source += char.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}
