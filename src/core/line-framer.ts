/**
 * The one JSONL line framer: cuts a byte stream into lines at `\n`, counting lines and byte offsets,
 * never holding more than `maxLineBytes` of one line. Every reader of JSONL frames through it (the
 * stages' decoder, `td sample`'s JSONL tables), so lines, limits, CRLF and the byte-order mark mean the
 * same everywhere; each frame's offset and length let a reader come back for a line later.
 */

/** Default longest line: a turn record with a long history is a few MB; 64 MiB leaves room without risking memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Bytes of an over-long line that are kept (for its message and errors entry). */
export const LINE_HEAD_BYTES = 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/** One line of the input. */
export interface LineFrame {
  /** 1-based line number; blank lines count. */
  line: number;
  /** Byte offset of the line's first byte in the input. */
  offset: number;
  /** The line's length in bytes, its `\n` excluded (a `\r` before it and a byte-order mark included). */
  length: number;
  /**
   * The line's bytes without its `\n`; for a line over the limit, only its first `LINE_HEAD_BYTES`.
   * Valid until the framer is given its next chunk (it may be a view of the chunk).
   */
  bytes: Buffer;
  /** The line is over the limit: `bytes` is its head, the rest was counted and dropped. */
  tooLong: boolean;
  /** Where the line's content starts in `bytes`: 3 after a UTF-8 byte-order mark on line 1, else 0. */
  start: number;
  /** Where the content ends in `bytes`: before a trailing `\r` (for a line over the limit, the end of its head). */
  end: number;
}

export interface LineFramerOptions {
  /** A longer line is framed as `tooLong` without being held. @default 64 MiB */
  maxLineBytes?: number;
}

/**
 * Push chunks in, take frames out. A line that ends inside a chunk is framed as a view of it (no copy);
 * only a line that spans chunks is held, copied, until its end comes.
 */
export class LineFramer {
  private readonly maxLineBytes: number;
  private line = 0;
  /** Input offset of the next chunk's first byte, and of the current (unfinished) line's. */
  private position = 0;
  private lineStart = 0;
  /** The current line so far, while it is within the limit. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Once the current line is over the limit: its length so far and its head. */
  private over: { bytes: number; head: Buffer } | undefined;

  constructor(options: LineFramerOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** The lines `chunk` completes, in order. Take them before pushing the next chunk. */
  *push(chunk: Buffer): Generator<LineFrame, void, undefined> {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, newline);
      const frame = this.heldBytes > 0 || this.over ? this.finishHeld(piece) : this.frame(piece, piece.length, piece.length > this.maxLineBytes);
      start = newline + 1;
      this.lineStart = this.position + start;
      yield frame;
    }
    this.hold(chunk.subarray(start));
    this.position += chunk.length;
  }

  /** The last line, when the input ends without a newline after it. */
  end(): LineFrame | undefined {
    return this.heldBytes > 0 || this.over ? this.finishHeld(EMPTY) : undefined;
  }

  /** Adds a piece of the current line, switching to counting only once the line is too long. */
  private hold(piece: Buffer): void {
    if (this.over) {
      this.over.bytes += piece.length;
    } else if (this.heldBytes + piece.length > this.maxLineBytes) {
      this.over = { bytes: this.heldBytes + piece.length, head: headOf([...this.held, piece]) };
      this.held = [];
      this.heldBytes = 0;
    } else if (piece.length > 0) {
      // Copied: the chunk's memory may be reused by the stream once the next chunk is read.
      this.held.push(Buffer.from(piece));
      this.heldBytes += piece.length;
    }
  }

  /** Ends the held line with `piece` (the bytes before its newline). */
  private finishHeld(piece: Buffer): LineFrame {
    if (this.over) {
      const { bytes, head } = this.over;
      this.over = undefined;
      return this.frame(head, bytes + piece.length, true);
    }
    const length = this.heldBytes + piece.length;
    const pieces = [...this.held, piece];
    this.held = [];
    this.heldBytes = 0;
    // Not joined when over the limit: joining 64 MiB to keep 1 KiB doubled the peak memory.
    return length > this.maxLineBytes ? this.frame(headOf(pieces), length, true) : this.frame(Buffer.concat(pieces, length), length, false);
  }

  private frame(bytes: Buffer, length: number, tooLong: boolean): LineFrame {
    const line = ++this.line;
    const kept = tooLong ? bytes.subarray(0, LINE_HEAD_BYTES) : bytes;
    const start = line === 1 && kept.length >= 3 && kept[0] === 0xef && kept[1] === 0xbb && kept[2] === 0xbf ? 3 : 0;
    const end = tooLong ? kept.length : length > start && kept[length - 1] === CR ? length - 1 : length;
    return { line, offset: this.lineStart, length, bytes: kept, tooLong, start, end };
  }
}

/** The first bytes of a line held in pieces, copied: only these are kept of an over-long line. */
function headOf(pieces: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let bytes = 0;
  for (const piece of pieces) {
    if (bytes >= LINE_HEAD_BYTES) break;
    const part = piece.subarray(0, LINE_HEAD_BYTES - bytes);
    parts.push(part);
    bytes += part.length;
  }
  return Buffer.concat(parts);
}

/** Frames a byte stream (a file read stream, stdin): every line, then the last one without a newline. */
export async function* frameLines(input: AsyncIterable<Buffer | string>, options: LineFramerOptions = {}): AsyncGenerator<LineFrame, void, undefined> {
  const framer = new LineFramer(options);
  for await (const chunk of input) yield* framer.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const last = framer.end();
  if (last) yield last;
}
