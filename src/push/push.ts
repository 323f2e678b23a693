import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../core/exit-codes.js';
import type { Session } from '../core/session.js';
import { TdError } from '../core/td-error.js';
import { sessionEnv } from '../core/session-env.js';
import { assertEmptyOrMissing, writeTree } from './dry-run.js';
import { createHubFetch } from './hub-fetch.js';
import { publishTree } from './hub-publish.js';
import type { PushOptions } from './options.js';
import { readReportDir } from './report-dir.js';
import { resolveToken } from './token.js';
import { formatBytes, formatSeconds, TransferProgress, type ProgressSettings } from './transfer-progress.js';
import { buildTree } from './tree.js';

/** What a caller (the CLI, a test) may replace. */
export interface PushDeps {
  /** The transport under td's retries. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** First backoff wait, doubled per attempt, when the server sends no Retry-After. @default 1000 */
  baseWaitMs?: number;
  /** Where progress goes. @default process.stderr */
  stderr?: ProgressSettings['stream'];
  /** The working directory whose `.env` is read. @default process.cwd() */
  cwd?: string;
}

/**
 * `td push DIR --repo OWNER/NAME`: publishes a td report's data and a dataset card to the Hugging Face Hub
 * as one commit (or, with `--dry-run OUT`, writes the tree that commit would hold, contacting nothing).
 * Logs go to `session.log`; the session's stop or abort signal interrupts (nothing partial is committed).
 * Resolves with the exit code; configuration, input and Hub failures are thrown as TdErrors.
 */
export async function runPush(options: PushOptions, session: Session, deps: PushDeps = {}): Promise<number> {
  const log = session.log;
  const signal = AbortSignal.any([session.stopSignal, session.signal]);
  const report = readReportDir(options.dir, options.include);
  if (options.dryRun !== undefined) assertEmptyOrMissing(options.dryRun);
  const token = options.dryRun === undefined ? resolveToken(sessionEnv(session, deps.cwd), options.tokenEnv) : undefined;
  session.redactor.add(token?.value);
  if (options.license === undefined) log.warn('no --license: the card says the license is unknown (td does not guess one)');

  const progress: ProgressSettings = { mode: options.quiet ? 'off' : options.progress, intervalSeconds: options.progressInterval, stream: deps.stderr ?? process.stderr, prefix: 'td push' };
  const workDir = mkdtempSync(join(tmpdir(), 'td-push-'));
  let uploading: TransferProgress | undefined;
  try {
    const tree = await buildTree(report, options, {
      workDir,
      ...(token ? { needle: { bytes: Buffer.from(token.value, 'utf8'), name: token.name } } : {}),
      redactor: session.redactor,
      log,
      progress,
      signal,
    });
    const bytes = tree.files.reduce((sum, file) => sum + file.digest.size, 0);
    if (token === undefined) {
      // A dry run: no token was asked for.
      writeTree(options.dryRun!, tree.files);
      log.info(`dry run: wrote the ${tree.files.length} files (${formatBytes(bytes)}) td push would commit to ${options.repo}@${options.branch} into ${options.dryRun}; contacted nothing`);
      return EXIT.ok;
    }

    const fetch = createHubFetch({
      signal,
      retries: options.retries,
      baseWaitMs: deps.baseWaitMs ?? 1000,
      maxWaitMs: options.maxRetryWait * 1000,
      log,
      onBodyBytes: (sent) => uploading?.add(sent),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    const result = await publishTree(tree.files, {
      hubUrl: options.hubUrl,
      repo: options.repo,
      branch: options.branch,
      private: options.private,
      title: options.message ?? `td push: ${tree.files.length} files from a td report (td ${report.summary.td_version})`,
      token,
      fetch,
      signal,
      log,
      onUpload: (total) => (uploading = new TransferProgress('uploading', total, progress)),
    });
    const seconds = uploading?.stop() ?? 0;
    const where = `${options.repo}@${options.branch}`;
    if (result.kind === 'unchanged') {
      log.info(`nothing to commit: ${where} (${result.commit.slice(0, 12)}) already holds these ${result.files.length} files; no commit made`);
    } else {
      const changed = new Set(result.files);
      const size = tree.files.filter((file) => changed.has(file.path)).reduce((sum, file) => sum + file.digest.size, 0);
      log.info(
        `committed ${result.files.length} of ${tree.files.length} files (${formatBytes(size)}) to ${where} in one commit` +
          `${result.commit ? ` ${result.commit.slice(0, 12)}` : ''}, in ${formatSeconds(seconds)}${result.url ? `: ${result.url}` : ''}`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (signal.aborted) {
      const where = `${options.repo}@${options.branch}`;
      throw new TdError(`interrupted: ${where} holds all of this push or none of it (it is one commit); rerun td push to finish`, EXIT.interrupted, 'interrupted');
    }
    throw error;
  } finally {
    uploading?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
