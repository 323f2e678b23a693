import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../../core/exit-codes.js';
import { fileError } from '../../core/file-error.js';
import type { Failure } from '../../core/outcome.js';
import { internalFailure, schemaFailure } from '../../core/record-checks.js';
import type { JsonObject, StageRuntime } from '../../core/session.js';
import { duplicateIdMessage } from '../../core/seen-ids.js';
import type { ViewSource } from '../source.js';
import { readJsonlLines } from './jsonl-lines.js';
import { SearchFile } from './search-file.js';
import { schemaFor, stageOf, turnFields, type RecordStage } from './turn-fields.js';
import { TurnIndex } from './turn-index.js';

export interface IndexOptions {
  runtime: StageRuntime;
  maxLineBytes: number;
  /** A private directory for the search file (td view makes one and removes it at exit). */
  scratchDir: string;
  /** Stops indexing (Ctrl-C). */
  signal?: AbortSignal;
  /** Bytes per read. @default 1 MiB */
  chunkBytes?: number;
  /** Called after each chunk: bytes read so far of all files, and their total at the start. */
  onProgress?: (bytesRead: number, totalBytes: number) => void | Promise<void>;
}

/** A turn's record read back from its line, with the stage its fields show. */
export interface OpenedTurn {
  record: JsonObject;
  stage: RecordStage;
}

/** A turn whose line no longer holds it: the file changed after it was indexed. */
export class StaleIndexError extends Error {}

/**
 * The index of every good line of the source files, the search file over their texts, and the open
 * files to read a turn from when it is shown. The files' sizes are taken when indexing starts:
 * lines appended later are not indexed.
 */
export class ViewIndex {
  constructor(
    readonly turns: TurnIndex,
    readonly search: SearchFile,
    private readonly handles: readonly FileHandle[],
    readonly files: readonly string[],
    /** Bytes indexed: the files' sizes when indexing began. */
    readonly bytes: number,
  ) {}

  /** Reads turn `ordinal` from disk: one positioned read of its line, whatever the file's size. */
  async read(ordinal: number): Promise<OpenedTurn> {
    const where = this.turns.location(ordinal);
    const id = this.turns.id(ordinal);
    const buffer = Buffer.allocUnsafe(where.bytes);
    const { bytesRead } = await this.handles[where.file]!.read(buffer, 0, where.bytes, where.offset);
    const stale = (): StaleIndexError =>
      new StaleIndexError(`${this.files[where.file]}:${where.line} no longer holds turn ${JSON.stringify(id)}: the file changed after td view indexed it (restart td view)`);
    let record: unknown;
    try {
      record = JSON.parse(buffer.toString('utf8', 0, bytesRead));
    } catch {
      throw stale();
    }
    if (record === null || typeof record !== 'object' || (record as JsonObject).id !== id) throw stale();
    const stage = stageOf(record as JsonObject);
    if (!schemaFor(stage).safeParse(record).success) throw stale();
    return { record: record as JsonObject, stage };
  }

  async close(): Promise<void> {
    await this.search.close();
    await Promise.all(this.handles.map((handle) => handle.close().catch(() => undefined)));
  }
}

/**
 * One streaming pass over the source files: each line parsed once, checked against the contract of
 * the stage it has reached, reduced to its list fields and its byte range. Bad lines (codec errors,
 * contract violations, repeated ids) are rejected through `runtime` (FILE:LINE on stderr, the errors
 * file) and left out.
 */
export async function buildIndex(source: ViewSource, options: IndexOptions): Promise<ViewIndex> {
  const { runtime } = options;
  const handles: FileHandle[] = [];
  const sizes: number[] = [];
  const search = new SearchFile(join(options.scratchDir, 'search.txt'));
  try {
    for (const file of source.files) {
      try {
        const handle = await open(file.path, 'r');
        handles.push(handle);
        sizes.push((await handle.stat()).size);
      } catch (error) {
        throw fileError('cannot read input', file.path, error, EXIT.noInput);
      }
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    const turns = new TurnIndex();
    let before = 0;
    for (const [fileNo, file] of source.files.entries()) {
      const lines = readJsonlLines(handles[fileNo]!, {
        name: file.path,
        runtime,
        end: sizes[fileNo]!,
        maxLineBytes: options.maxLineBytes,
        ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onChunk: (position) => options.onProgress?.(before + position, total),
      });
      for await (const { record, offset, bytes, line } of lines) {
        runtime.stats.in++;
        const stage = stageOf(record);
        const failure = contractFailure(stage, record) ?? duplicate(turns, record) ?? addTurn(turns, search, record, stage, file.bucket, { file: fileNo, offset, bytes, line }, runtime.stage);
        if (failure) runtime.reject(failure, { source: file.path, line }, { record });
        else runtime.stats.out++;
      }
      before += sizes[fileNo]!;
    }
    await search.finish();
    return new ViewIndex(turns, search, handles, source.files.map((file) => file.path), total);
  } catch (error) {
    await search.close();
    await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
    throw error;
  }
}

/** The record's contract check; the readable message (with the values found) is made only for a record that fails. */
function contractFailure(stage: RecordStage, record: JsonObject): Failure | undefined {
  const schema = schemaFor(stage);
  return schema.safeParse(record).success ? undefined : schemaFailure(schema, record);
}

function duplicate(turns: TurnIndex, record: JsonObject): Failure | undefined {
  const id = record.id as string;
  return turns.has(id) ? { kind: 'invalid', reason: 'duplicate-id', message: duplicateIdMessage(id) } : undefined;
}

function addTurn(
  turns: TurnIndex,
  search: SearchFile,
  record: JsonObject,
  stage: RecordStage,
  bucket: Parameters<typeof turnFields>[2],
  location: Parameters<TurnIndex['add']>[1],
  stageName: string,
): Failure | undefined {
  let fields: ReturnType<typeof turnFields>;
  try {
    fields = turnFields(record, stage, bucket);
  } catch (error) {
    return internalFailure(stageName, error);
  }
  // Outside the try: a write error of the search file ends indexing rather than misaligning it.
  turns.add(fields, location);
  search.add(fields.searchText);
  return undefined;
}
