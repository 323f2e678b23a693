import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';


export interface HubFile {
  /** `owner/name` of a dataset repository. */
  repo: string;
  /** The commit the listing was pinned to: a cached file never goes stale. */
  sha: string;
  /** Path inside the repository. */
  path: string;
}

/** Where `--cache-dir` keeps a Hub file: `DIR/datasets/OWNER/NAME/SHA/PATH`. */
export function cachedPath(cacheDir: string, file: HubFile): string {
  return join(cacheDir, 'datasets', ...file.repo.split('/'), file.sha, ...file.path.split('/'));
}

/**
 * Downloads one Hub file into the cache (once: files are keyed by commit, so one present is complete)
 * and returns its local path. The bytes stream to disk under a temporary name that is renamed at the
 * end, so an interrupted download never leaves a truncated file behind.
 */
export async function cacheHubFile(
  cacheDir: string,
  file: HubFile,
  access: { accessToken?: string; fetch?: typeof fetch } = {},
  onDownload?: (target: string) => void,
): Promise<string> {
  const target = cachedPath(cacheDir, file);
  if (existsSync(target)) return target;
  onDownload?.(target);
  mkdirSync(dirname(target), { recursive: true });
  const { downloadFile } = await import('@huggingface/hub');
  const blob = await downloadFile({ repo: { type: 'dataset', name: file.repo }, path: file.path, revision: file.sha, ...access });
  if (blob === null) throw new Error(`${file.path} is not in ${file.repo}@${file.sha}`);
  const partial = `${target}.incomplete-${process.pid}`;
  try {
    await pipeline(Readable.fromWeb(blob.stream() as WebReadableStream), createWriteStream(partial));
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  return target;
}
