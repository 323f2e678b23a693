import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StageRuntime } from '../core/session.js';
import { buildIndex, type ViewIndex } from './index/build-index.js';
import { MarksStore } from './marks-store.js';
import { defaultMarksPath, type ViewOptions } from './options.js';
import { TurnQueries } from './query.js';
import { viewRoutes } from './routes.js';
import { newToken } from './server/security.js';
import { ViewServer } from './server/http-server.js';
import { resolveSource } from './source.js';

/** A td view that is serving. */
export interface RunningView {
  /** `http://127.0.0.1:PORT/?t=TOKEN` */
  url: string;
  port: number;
  token: string;
  index: ViewIndex;
  marks: MarksStore;
  /** Stops serving, closes the files, removes the scratch directory. Never throws. */
  close(): Promise<void>;
}

export interface ViewHooks {
  /** Indexing progress: bytes read, bytes in all, turns indexed. */
  onProgress?: (bytesRead: number, totalBytes: number, turns: number) => void;
  /** Chunk size for indexing (tests). */
  chunkBytes?: number;
}

/**
 * `td view`: resolves PATH, loads the marks, binds the server (a port in use fails here, before any
 * reading), indexes the files in one pass, and hands the server its pages. Stopping (`runtime`'s stop
 * signal) during indexing ends it early; the caller decides not to serve then.
 */
export async function startView(options: ViewOptions, runtime: StageRuntime, hooks: ViewHooks = {}): Promise<RunningView> {
  const log = runtime.log;
  const source = resolveSource(options.path);
  for (const warning of source.warnings) log.warn(warning);
  const marks = MarksStore.open(options.marks ?? defaultMarksPath(options.path));
  if (marks.readOnlyReason) log.warn(`marks cannot be saved: ${marks.readOnlyReason} (use --marks FILE)`);
  const token = newToken();
  let server: ViewServer | undefined;
  let index: ViewIndex | undefined;
  const scratchDir = mkdtempSync(join(tmpdir(), 'td-view-'));
  const close = async (): Promise<void> => {
    await server?.close().catch(() => undefined);
    await index?.close().catch(() => undefined);
    marks.close();
    rmSync(scratchDir, { recursive: true, force: true });
  };
  try {
    server = await ViewServer.listen({ host: options.host, port: options.port ?? 0, token, log });
    if (!server.loopback) {
      log.warn(
        `serving on ${options.host}, not only this machine: anyone who can reach it and has the URL can read these records and write marks; the token travels unencrypted (plain HTTP)`,
      );
    }
    index = await buildIndex(source, {
      runtime,
      maxLineBytes: options.maxLineBytes,
      scratchDir,
      signal: runtime.stopSignal,
      ...(hooks.chunkBytes === undefined ? {} : { chunkBytes: hooks.chunkBytes }),
      onProgress: (read, total) => hooks.onProgress?.(read, total, runtime.stats.out),
    });
    const built = index;
    const queries = new TurnQueries(built, (id) => marks.markOf(id));
    const context = { token, source: `${options.path}${source.kind === 'report' ? ' (td report directory)' : ''}`, readOnly: marks.readOnlyReason, marksFile: marks.path };
    server.setRoutes(viewRoutes({ index: built, marks, queries, context, gate: source.gate, leftOut: runtime.stats.failed, log }));
    return { url: server.url, port: server.port, token, index: built, marks, close };
  } catch (error) {
    await close();
    throw error;
  }
}
