/**
 * Issue 11's "done when", as checks over the source text: stages leave counting and failure routing to
 * their adapters, and an option's default is written once, in its schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line: text` of every line of `files` matching `pattern`. */
function matches(files: readonly string[], pattern: RegExp): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (pattern.test(line) ? [`${relative(SRC, file)}:${index + 1}: ${line.trim()}`] : [])),
  );
}

const STAGE_FILES = ['sources', 'transforms', 'sinks'].flatMap((dir) => sourceFiles(join(SRC, dir)));
/** A write to the adapter's counters, or a failure routed by hand. */
const HAND_ACCOUNTING = /stats\.(in|out)\s*(\+\+|--|[-+]?=(?!=))|\b(runtime|ctx\.runtime)\.reject\(/;

describe("issue 11's done-when", () => {
  it('no stage file writes stats.in or stats.out, or routes a failure itself (reads in summaries are fine)', () => {
    expect(matches(STAGE_FILES, HAND_ACCOUNTING)).toEqual([]);
  });

  it('no option default is written beside its schema: no defaultText, no @default where flags are declared', () => {
    const all = sourceFiles(SRC);
    expect(matches(all, /defaultText/)).toEqual([]);
    const declaring = all.filter((file) => /\boption\(/.test(readFileSync(file, 'utf8')));
    expect(declaring.length).toBeGreaterThan(9);
    expect(matches(declaring, /@default/)).toEqual([]);
  });

  it('the checks above see what they look for (so they can fail)', () => {
    // td view's index is a command, not a stage: it counts the lines it reads itself.
    const view = ['index/build-index.ts', 'index/jsonl-lines.ts'].map((file) => join(SRC, 'view', file));
    expect(matches(view, HAND_ACCOUNTING).length).toBeGreaterThanOrEqual(3);
  });
});
