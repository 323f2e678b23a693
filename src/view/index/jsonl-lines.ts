import type { FileHandle } from 'node:fs/promises';
import { LineFramer, type LineFrame } from '../../core/line-framer.js';
import type { JsonObject, StageRuntime } from '../../core/session.js';
import { decodeFrame } from '../../sources/jsonl-source.js';

/**
 * td view's reading of a JSONL file with byte offsets, over td's one line framer and the decoder's
 * reading of a line (`decodeFrame`): the JSON objects of bytes [0, end) of a file, each with the byte
 * range of its JSON text, and every bad line rejected through `runtime.reject` with the reasons and
 * words of every other stage. Positioned reads, so a turn's line can be read again by its offset.
 */

export interface JsonlLine {
  record: JsonObject;
  /** Byte offset of the line's JSON text in the file (after a byte-order mark). */
  offset: number;
  /** Byte length of the JSON text (without `\r\n`). */
  bytes: number;
  /** 1-based line number. */
  line: number;
}

export interface ReadJsonlLinesOptions {
  /** The file's name in messages. */
  name: string;
  runtime: StageRuntime;
  /** Read bytes [0, end): the file's size when indexing began, so lines appended meanwhile are not read. */
  end: number;
  maxLineBytes: number;
  /** Bytes per read. @default 1 MiB */
  chunkBytes?: number;
  /** Stops reading at the next chunk. */
  signal?: AbortSignal;
  /** Called after each chunk with the bytes read so far (progress). */
  onChunk?: (position: number) => void | Promise<void>;
}

/** The JSON objects of bytes [0, end) of `handle`; blank lines are skipped, bad ones rejected and left out. */
export async function* readJsonlLines(handle: FileHandle, options: ReadJsonlLinesOptions): AsyncGenerator<JsonlLine> {
  const { name, runtime, end, maxLineBytes } = options;
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const framer = new LineFramer({ maxLineBytes });
  const decode = (frame: LineFrame): JsonlLine | undefined => {
    const decoded = decodeFrame(frame, name, maxLineBytes);
    if (decoded === undefined) return undefined;
    if (decoded.ok) return { record: decoded.record, offset: frame.offset + frame.start, bytes: frame.end - frame.start, line: frame.line };
    // td view is a command, not a stage: it counts what it rejects itself, so its summary balances.
    runtime.stats.in++;
    runtime.reject(decoded.failure, { source: name, line: frame.line }, decoded.replay);
    return undefined;
  };

  let position = 0;
  while (position < end && !options.signal?.aborted) {
    // A fresh buffer per read: the framer's frames may be views of it until the next push.
    const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, end - position));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break; // the file shrank while it was read
    position += bytesRead;
    for (const frame of framer.push(chunk.subarray(0, bytesRead))) {
      const item = decode(frame);
      if (item) yield item;
    }
    await options.onChunk?.(position);
  }
  // A last line without a newline is a line (as td's decoder reads it), unless reading was stopped.
  const last = options.signal?.aborted ? undefined : framer.end();
  const item = last && decode(last);
  if (item) yield item;
}
