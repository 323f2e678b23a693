import { hasGlob, splitGlob } from './glob.js';

/** Where a dataset lives, parsed from `--trajectories` / `--prs`. */
export type DatasetUri = LocalDatasetUri | HubDatasetUri;

export interface LocalDatasetUri {
  kind: 'local';
  /** As the user wrote it. */
  uri: string;
  /** The fixed directory before the first wildcard (file names are reported relative to it). */
  base: string;
  /** The glob after `base`; for a plain file, its name. */
  pattern: string;
}

export interface HubDatasetUri {
  kind: 'hub';
  uri: string;
  /** `owner/name` of a dataset repository on the Hugging Face Hub. */
  repo: string;
  /** Branch, tag or commit after `@`; omitted: `main`. */
  revision?: string;
  /** The fixed directory inside the repository, before the first wildcard (may be empty). */
  base: string;
  pattern: string;
}

const HUB_SHAPE = 'expected hf://datasets/OWNER/NAME[@REVISION]/PATH (PATH may use * and **)';

/**
 * Parses a dataset URI: `hf://datasets/OWNER/NAME[@REVISION]/PATH-GLOB` or a local path or glob.
 * Throws a TypeError whose message says what was expected (the caller names the flag).
 */
export function parseDatasetUri(uri: string): DatasetUri {
  if (/^hf:\/\//i.test(uri)) return parseHubUri(uri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new TypeError(`expected a local path or an hf:// URI, got ${JSON.stringify(uri)}`);
  }
  const { base, pattern } = hasGlob(uri) ? splitGlob(uri) : splitLocalPath(uri);
  return { kind: 'local', uri, base, pattern };
}

function splitLocalPath(path: string): { base: string; pattern: string } {
  const trimmed = path.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  // A directory is resolved later (when we can stat it); here a path is a file in its directory.
  return slash === -1 ? { base: '.', pattern: trimmed } : { base: trimmed.slice(0, slash) || '/', pattern: trimmed.slice(slash + 1) };
}

function parseHubUri(uri: string): HubDatasetUri {
  const match = /^hf:\/\/datasets\/([^/@]+)\/([^/@]+)(?:@([^/]+))?(?:\/(.*))?$/i.exec(uri);
  if (!match) throw new TypeError(`${HUB_SHAPE}, got ${JSON.stringify(uri)}`);
  const [, owner, name, revision, rest] = match;
  const path = (rest ?? '').replace(/\/+$/, '');
  // No path, or a directory without wildcards, means every data file under it.
  const { base, pattern } = hasGlob(path) || formatOf(path) !== undefined ? splitGlob(path) : { base: path, pattern: '**' };
  return {
    kind: 'hub',
    uri,
    repo: `${owner}/${name}`,
    ...(revision === undefined ? {} : { revision: decodeURIComponent(revision) }),
    base,
    pattern,
  };
}

/** The data format of a file, from its name; undefined for anything else (README.md, .gitattributes). */
export function formatOf(path: string): 'parquet' | 'jsonl' | undefined {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl';
  return undefined;
}
