import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

import { EXIT } from '../../core/exit-codes.js';
import { errorMessage, TdError } from '../../core/td-error.js';
import { formatOf, parseDatasetUri, type HubDatasetUri, type LocalDatasetUri } from './dataset-uri.js';
import { globToRegExp } from './glob.js';
import { cacheHubFile } from './hub-cache.js';

/** One data file of a dataset. */
export interface DatasetFile {
  /** Path relative to the dataset root (the URI's directory before its first wildcard): `train-00003-of-00123.parquet`. */
  name: string;
  /** What DuckDB or the JSONL reader opens: a local path or an `hf://datasets/...@sha/...` URL. */
  location: string;
  format: 'parquet' | 'jsonl';
}

export interface Dataset {
  /** The flag it came from, for messages: `--trajectories`. */
  flag: string;
  uri: string;
  /** `owner/name@sha` for a Hub dataset (the revision is pinned to a commit once, at listing). */
  pinned?: string;
  files: DatasetFile[];
  /** Whether DuckDB reads it over the network (needs httpfs). */
  remote: boolean;
}

export interface HubAccess {
  /** From HF_TOKEN or HUGGINGFACE_API_KEY; never printed. */
  accessToken?: string;
  /** Replaces global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Downloads Hub files here first (`DIR/datasets/OWNER/NAME/SHA/PATH`) and reads the local copies. */
  cacheDir?: string;
  log?: (line: string) => void;
}

/** Lists the data files of `--trajectories` or `--prs`, sorted by name; a URI that matches nothing is a TdError. */
export async function listDataset(flag: string, uri: string, hub: HubAccess = {}): Promise<Dataset> {
  let parsed;
  try {
    parsed = parseDatasetUri(uri);
  } catch (error) {
    throw new TdError(`${flag}: ${(error as Error).message}`, EXIT.usage, 'usage');
  }
  const dataset = parsed.kind === 'local' ? listLocal(flag, parsed) : await listHub(flag, parsed, hub);
  if (dataset.files.length === 0) {
    throw new TdError(`${flag}: no .parquet or .jsonl files match ${uri}`, EXIT.noInput, 'no-input');
  }
  return dataset;
}

function byName(a: DatasetFile, b: DatasetFile): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function listLocal(flag: string, parsed: LocalDatasetUri): Dataset {
  let { base, pattern } = parsed;
  const whole = parsed.uri.replace(/\/+$/, '');
  // A directory given without a pattern means every data file under it.
  if (!/[*?[]/.test(parsed.uri) && isDirectory(whole)) {
    base = whole;
    pattern = '**';
  }
  if (!isDirectory(base)) {
    throw new TdError(`${flag}: no such directory ${base} (from ${parsed.uri})`, EXIT.noInput, 'no-input');
  }
  const matcher = globToRegExp(pattern);
  const recursive = pattern.includes('/') || pattern.includes('**');
  const files: DatasetFile[] = [];
  for (const relativePath of walk(base, recursive)) {
    const format = formatOf(relativePath);
    if (!format || !matcher.test(relativePath)) continue;
    files.push({ name: relativePath, location: join(base, relativePath), format });
  }
  if (files.length === 0 && !/[*?[]/.test(parsed.uri) && formatOf(parsed.uri) === undefined) {
    throw new TdError(`${flag}: ${parsed.uri} is not a .parquet or .jsonl file`, EXIT.usage, 'usage');
  }
  return { flag, uri: parsed.uri, files: files.sort(byName), remote: false };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Relative `/`-separated paths of the files under `base` (following symlinks to files). */
function walk(base: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(base, { withFileTypes: true, recursive })) {
    const full = join(entry.parentPath, entry.name);
    const isFile = entry.isFile() || (entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isFile() === true);
    if (isFile) out.push(relative(base, full).split(sep).join('/'));
  }
  return out;
}

async function listHub(flag: string, parsed: HubDatasetUri, hub: HubAccess): Promise<Dataset> {
  const credentials = {
    ...(hub.accessToken === undefined ? {} : { accessToken: hub.accessToken }),
    ...(hub.fetch === undefined ? {} : { fetch: hub.fetch }),
  };
  const revision = parsed.revision ?? 'main';
  // Loaded here, not at start-up: only hf:// URIs need the Hub client.
  const { datasetInfo, listFiles } = await import('@huggingface/hub');
  let sha: string;
  try {
    const info = await datasetInfo({ name: parsed.repo, revision, additionalFields: ['sha'], ...credentials });
    sha = info.sha;
  } catch (error) {
    throw hubError(flag, `cannot resolve ${parsed.repo}@${revision} on the Hugging Face Hub`, error);
  }
  const matcher = globToRegExp(parsed.pattern);
  const prefix = parsed.base === '' ? '' : `${parsed.base}/`;
  const files: DatasetFile[] = [];
  try {
    const entries = listFiles({
      repo: { type: 'dataset', name: parsed.repo },
      revision: sha,
      recursive: true,
      ...(parsed.base === '' ? {} : { path: parsed.base }),
      ...credentials,
    });
    for await (const entry of entries) {
      if (entry.type !== 'file' || !entry.path.startsWith(prefix)) continue;
      const name = entry.path.slice(prefix.length);
      const format = formatOf(name);
      if (!format || !matcher.test(name)) continue;
      files.push({ name, location: `hf://datasets/${parsed.repo}@${sha}/${entry.path}`, format });
    }
  } catch (error) {
    throw hubError(flag, `cannot list ${parsed.repo}@${sha}/${parsed.base}`, error);
  }
  files.sort(byName);
  const pinned = `${parsed.repo}@${sha}`;
  if (hub.cacheDir === undefined) return { flag, uri: parsed.uri, pinned, files, remote: true };

  const cached: DatasetFile[] = [];
  for (const [index, file] of files.entries()) {
    try {
      const location = await cacheHubFile(hub.cacheDir, { repo: parsed.repo, sha, path: `${prefix}${file.name}` }, credentials, (target) =>
        hub.log?.(`${flag}: downloading ${parsed.repo}/${prefix}${file.name} (${index + 1}/${files.length}) to ${target}`),
      );
      cached.push({ ...file, location });
    } catch (error) {
      throw hubError(flag, `cannot download ${parsed.repo}/${prefix}${file.name}`, error);
    }
  }
  return { flag, uri: parsed.uri, pinned, files: cached, remote: false };
}

/** A Hub failure as one line; 401/403/404 mean "fix the URI or the token", the rest "try again". */
function hubError(flag: string, what: string, error: unknown): TdError {
  const status = (error as { statusCode?: number }).statusCode;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const because = cause?.code ?? cause?.message;
  const detail = firstLine(errorMessage(error)) + (because ? ` (${firstLine(because)})` : '');
  const hint =
    status === 401 || status === 403
      ? ' (set HF_TOKEN to a token that can read it)'
      : status === 404
        ? ' (check the owner, name, revision and path)'
        : '';
  const code = status !== undefined && status < 500 && status !== 429 ? EXIT.noInput : EXIT.tempFail;
  return new TdError(`${flag}: ${what}: ${detail}${hint}`, code, 'hub');
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((part) => part.trim() !== '') ?? text;
  return line.trim();
}
