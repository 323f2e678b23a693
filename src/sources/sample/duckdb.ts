import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { EXIT } from '../../core/exit-codes.js';
import type { Session } from '../../core/session.js';
import { sqlString } from '../../core/sql-string.js';
import { TdError } from '../../core/td-error.js';
import { firstLine } from './list-files.js';

export interface DuckDbOptions {
  /** DuckDB's `extension_directory`: where httpfs is looked for (and installed). @default DuckDB's own (~/.duckdb/extensions) */
  extensionDir?: string;
  /** Try `INSTALL httpfs` (a download) when it is not there yet. @default true */
  installExtensions?: boolean;
  /** Connections, i.e. queries in flight at most. @default 2 */
  connections?: number;
}

/**
 * One in-memory DuckDB per td process (memoised on the session), with a small pool of connections so
 * that window reads run in parallel. Extensions are never installed behind our back
 * (`autoinstall_known_extensions=false`): a missing httpfs fails in milliseconds and
 * {@link DuckDb.enableRemote} says what to do about it.
 */
export class DuckDb {
  private readonly idle: DuckDBConnection[] = [];
  private readonly busy = new Set<DuckDBConnection>();
  private readonly waiting: Array<(connection: DuckDBConnection) => void> = [];
  private remote: Promise<void> | undefined;
  private secret: string | undefined;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    connections: DuckDBConnection[],
    private readonly options: DuckDbOptions,
  ) {
    this.idle.push(...connections);
  }

  static async open(options: DuckDbOptions = {}): Promise<DuckDb> {
    const config: Record<string, string> = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'true' };
    if (options.extensionDir !== undefined) config.extension_directory = options.extensionDir;
    // Loaded here, not at the top: every td command imports this module (through the stage registry),
    // and the native library costs each of them about 0.13 s of start-up.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', config);
    const connections: DuckDBConnection[] = [];
    for (let i = 0; i < Math.max(1, options.connections ?? 2); i++) connections.push(await instance.connect());
    // Footers are read once per file, not once per window query.
    await connections[0]!.run('SET parquet_metadata_cache = true');
    return new DuckDb(instance, connections, options);
  }

  /** The session's DuckDB, opened on first use and closed with the session. */
  static forSession(session: Session, options: DuckDbOptions): Promise<DuckDb> {
    return session.memo('sample:duckdb', () => {
      const opening = DuckDb.open(options);
      session.onClose(async () => (await opening).close());
      return opening;
    });
  }

  /** Runs a query on a free connection and returns its rows as JS values (BIGINT as bigint, TIMESTAMP as Date). */
  async query(sql: string, signal?: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const connection = await this.acquire();
    const onAbort = (): void => connection.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Array<Record<string, unknown>>;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.release(connection);
    }
  }

  /**
   * Makes `hf://` readable: loads httpfs (installing it first when allowed) and registers the Hub token
   * as a DuckDB secret. Throws a one-line TdError when httpfs cannot be had.
   */
  enableRemote(accessToken: string | undefined, log: (line: string) => void): Promise<void> {
    this.remote ??= this.loadHttpfs(log);
    return this.remote.then(() => this.registerToken(accessToken));
  }

  private async loadHttpfs(log: (line: string) => void): Promise<void> {
    let reason: string;
    try {
      await this.query('LOAD httpfs');
      return;
    } catch (error) {
      reason = firstLine((error as Error).message);
    }
    if (this.options.installExtensions !== false) {
      log(`DuckDB's httpfs extension is not installed; installing it${this.options.extensionDir ? ` into ${this.options.extensionDir}` : ''}`);
      try {
        await this.query('INSTALL httpfs');
        await this.query('LOAD httpfs');
        return;
      } catch (error) {
        reason = firstLine((error as Error).message);
      }
    }
    throw new TdError(httpfsMissingMessage(reason), EXIT.config, 'httpfs');
  }

  private async registerToken(accessToken: string | undefined): Promise<void> {
    if (accessToken === undefined || accessToken === this.secret) return;
    try {
      await this.query(`CREATE OR REPLACE SECRET td_hf (TYPE huggingface, TOKEN ${sqlString(accessToken)})`);
      this.secret = accessToken;
    } catch (error) {
      // DuckDB's message could quote the statement, token included: say only that it failed.
      void error;
      throw new TdError('cannot register the Hugging Face token with DuckDB (CREATE SECRET failed)', EXIT.config, 'httpfs');
    }
  }

  private acquire(): Promise<DuckDBConnection> {
    if (this.closed) return Promise.reject(new Error('DuckDB is closed'));
    const connection = this.idle.pop();
    if (connection) {
      this.busy.add(connection);
      return Promise.resolve(connection);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(connection: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) {
      next(connection);
      return;
    }
    this.busy.delete(connection);
    this.idle.push(connection);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const connection of [...this.idle, ...this.busy]) connection.closeSync();
    this.instance.closeSync();
  }
}

/** What to do when httpfs cannot be loaded, in one line. */
export function httpfsMissingMessage(reason: string): string {
  return (
    `cannot load DuckDB's httpfs extension, which reading hf:// URIs needs (${reason}). ` +
    'Either install it once where DuckDB can download it (INSTALL httpfs) and pass that extension directory with ' +
    '--extension-dir or TD_DUCKDB_EXTENSION_DIR, or add --cache-dir DIR to download the files over HTTPS and read them locally, ' +
    'or point --trajectories and --prs at local files'
  );
}
