import { pathToFileURL } from 'node:url';
import type { CommitOperation, PathInfo } from '@huggingface/hub';
import { EXIT } from '../core/exit-codes.js';
import type { Logger } from '../core/logger.js';
import { TdError } from '../core/td-error.js';
import { hubFailure } from './hub-errors.js';
import type { HubToken } from './token.js';
import type { TreeFile } from './tree.js';

/** Where and how to publish. */
export interface HubTarget {
  hubUrl: string;
  /** `OWNER/NAME`. */
  repo: string;
  branch: string;
  private: boolean;
  title: string;
  token: HubToken;
  /** Every request goes through this (retries, abort, byte counting). */
  fetch: typeof fetch;
  signal: AbortSignal;
  log: Logger;
  /** Called once, before the first upload, with the bytes of the files that changed. */
  onUpload(totalBytes: number): void;
}

/** What the push did: one commit, or none because the branch already held every file. */
export type PublishResult =
  | { kind: 'committed'; files: string[]; commit: string; url: string }
  | { kind: 'unchanged'; files: string[]; commit: string };

/** The branch's head as td found it: the parent of its commit, and what it compares against. */
interface Head {
  sha: string;
  /** The branch does not exist yet: td creates it at `sha` (main's head) before uploading. */
  newBranch: boolean;
  private: boolean | undefined;
}

type HubModule = typeof import('@huggingface/hub');

/** The library's commit phases, in words. */
const PHASES = { preuploading: 'asking the Hub which files go through large-file storage', uploadingLargeFiles: 'uploading large files', committing: 'committing' } as const;

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === 404;
}

function isConflict(error: unknown): boolean {
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  return status === 409 || status === 412;
}

/** Whether the Hub already holds `file` at `remote`: by Git blob id for a regular file, by SHA-256 for an LFS/Xet one. */
function sameContent(file: TreeFile, remote: PathInfo | undefined): boolean {
  if (remote === undefined || remote.type !== 'file') return false;
  if (remote.lfs) return remote.lfs.oid === file.digest.sha256 && remote.lfs.size === file.digest.size;
  return remote.oid === file.digest.gitSha1;
}

/**
 * Publishes the tree as one commit on `branch` of the dataset repository, through `@huggingface/hub`:
 * creates the repository when it is missing (and the branch, from main), skips files the branch already
 * holds byte for byte, and commits the rest at once with the head it compared against as parent, so a
 * commit that landed in between is never overwritten. Nothing to change: no commit.
 */
export async function publishTree(files: readonly TreeFile[], target: HubTarget): Promise<PublishResult> {
  // Loaded here, not at start-up: only td push needs the Hub client's upload code.
  const hub = await import('@huggingface/hub');
  const credentials = { accessToken: target.token.value, hubUrl: target.hubUrl, fetch: target.fetch };
  const repo = { type: 'dataset' as const, name: target.repo };
  const where = `${target.repo}@${target.branch}`;
  const call = async <T>(doing: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      target.signal.throwIfAborted();
      throw hubFailure(error, doing, target.token.name);
    }
  };

  const head = await findHead(hub, target, credentials);
  let base = head;
  if (base === undefined) {
    await call(`creating the dataset repository ${target.repo}`, async () => {
      try {
        await hub.createRepo({ repo, ...(target.private ? { visibility: 'private' as const } : {}), ...credentials });
        target.log.info(`created the dataset repository ${target.hubUrl}/datasets/${target.repo}${target.private ? ' (private)' : ''}`);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 409) throw error;
      }
    });
    base = await findHead(hub, target, credentials);
    if (base === undefined) throw new TdError(`the Hub created ${target.repo} but does not show it: rerun td push`, EXIT.tempFail, 'hub');
  } else if (target.private && base.private === false) {
    target.log.warn(`${target.repo} exists and is public: --private applies only to a repository td creates`);
  }

  const changed = await call(`comparing with ${where}`, () => changedFiles(hub, files, base.sha, target, credentials));
  if (base.newBranch) {
    await call(`creating the branch ${where}`, () => hub.createBranch({ repo, branch: target.branch, revision: base.sha, ...credentials }));
    target.log.info(`created the branch ${target.branch} at ${base.sha.slice(0, 12)}`);
  }
  if (changed.length === 0) return { kind: 'unchanged', files: files.map((file) => file.path), commit: base.sha };

  const operations: CommitOperation[] = changed.map((file) => ({
    operation: 'addOrUpdate',
    path: file.path,
    content: file.local !== undefined ? pathToFileURL(file.local) : new Blob([file.text ?? ''], { type: 'text/plain' }),
  }));
  target.onUpload(changed.reduce((sum, file) => sum + file.digest.size, 0));
  try {
    const iterator = hub.commitIter({ repo, operations, title: target.title, branch: target.branch, parentCommit: base.sha, abortSignal: target.signal, ...credentials });
    let step = await iterator.next();
    while (!step.done) {
      const event = step.value;
      if (event.event === 'phase') target.log.info(`${PHASES[event.phase]} (${changed.length} of ${files.length} files changed)`);
      step = await iterator.next();
    }
    const output = step.value;
    return { kind: 'committed', files: changed.map((file) => file.path), commit: output?.commit.oid ?? '', url: output?.commit.url ?? '' };
  } catch (error) {
    target.signal.throwIfAborted();
    if (!isConflict(error)) throw hubFailure(error, `committing to ${where}`, target.token.name);
    // A commit landed since td compared: its own retried commit (the first reply was lost), or someone else's.
    const now = await findHead(hub, target, credentials);
    const left = now === undefined ? changed : await call(`comparing with ${where}`, () => changedFiles(hub, files, now.sha, target, credentials));
    if (left.length === 0 && now !== undefined) return { kind: 'committed', files: changed.map((file) => file.path), commit: now.sha, url: '' };
    throw new TdError(`${where} moved while td pushed (another commit landed first); nothing of this push was committed: rerun td push`, EXIT.tempFail, 'hub');
  }
}

/** The branch head, main's head for a branch still to create, or undefined when the repository does not exist. */
async function findHead(hub: HubModule, target: HubTarget, credentials: { accessToken: string; hubUrl: string; fetch: typeof fetch }): Promise<Head | undefined> {
  const read = (revision: string) => hub.datasetInfo({ name: target.repo, revision, additionalFields: ['sha'], ...credentials });
  const doing = `reading ${target.repo}@${target.branch}`;
  try {
    const info = await read(target.branch);
    return { sha: info.sha, newBranch: false, private: info.private };
  } catch (error) {
    target.signal.throwIfAborted();
    if (!isNotFound(error)) throw hubFailure(error, doing, target.token.name);
  }
  if (target.branch === 'main') return undefined;
  try {
    const info = await read('main');
    return { sha: info.sha, newBranch: true, private: info.private };
  } catch (error) {
    target.signal.throwIfAborted();
    if (isNotFound(error)) return undefined;
    throw hubFailure(error, doing, target.token.name);
  }
}

/** The files whose content differs from the Hub's at `revision` (all of them in an empty repository). */
async function changedFiles(
  hub: HubModule,
  files: readonly TreeFile[],
  revision: string,
  target: HubTarget,
  credentials: { accessToken: string; hubUrl: string; fetch: typeof fetch },
): Promise<TreeFile[]> {
  const remote = await hub.pathsInfo({ repo: { type: 'dataset', name: target.repo }, paths: files.map((file) => file.path), revision, ...credentials });
  const byPath = new Map(remote.map((info) => [info.path, info]));
  return files.filter((file) => !sameContent(file, byPath.get(file.path)));
}
