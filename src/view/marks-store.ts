import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileErrorReason } from '../core/file-error.js';
import { parseMarks, type Mark, type MarkValue } from '../sinks/report/marks.js';

/**
 * The reviewer's marks while td view runs: those already in the marks file (checked as td report
 * checks them: a bad line stops td view, exit 65) and those made now, each appended to the file as
 * one JSON line `{id, mark, note, at}` with one write. The input files are never written.
 */
export class MarksStore {
  private readonly marks: Map<string, Mark>;
  private fd: number | undefined;
  /** Why marks cannot be saved, when they cannot. */
  readonly readOnlyReason: string | undefined;

  private constructor(
    readonly path: string,
    marks: Map<string, Mark>,
    readOnlyReason: string | undefined,
  ) {
    this.marks = marks;
    this.readOnlyReason = readOnlyReason;
  }

  /** Loads the marks file if there is one; it is created only when the first mark is made. */
  static open(path: string): MarksStore {
    const marks = existsSync(path) ? parseMarks(readFileSync(path, 'utf8'), path) : new Map<string, Mark>();
    return new MarksStore(path, marks, writeProblem(path));
  }

  get size(): number {
    return this.marks.size;
  }

  get(id: string): Mark | undefined {
    return this.marks.get(id);
  }

  markOf(id: string): 'accept' | 'reject' | undefined {
    const mark = this.marks.get(id)?.mark;
    return mark === 'accept' || mark === 'reject' ? mark : undefined;
  }

  /** Appends a mark (the last one for an id wins; `clear` takes it back) and returns it as written. */
  set(id: string, mark: MarkValue, note: string, now = new Date()): Mark {
    const entry: Mark = { id, mark, note, at: now.toISOString() };
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, JSON.stringify(entry) + '\n');
    if (mark === 'clear') this.marks.delete(id);
    else this.marks.set(id, entry);
    return entry;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Whether marks could be appended to `path`, checked up front so the page can say so before a reviewer starts. */
function writeProblem(path: string): string | undefined {
  try {
    accessSync(existsSync(path) ? path : dirname(path), constants.W_OK);
    return undefined;
  } catch (error) {
    return `cannot write ${path}: ${fileErrorReason(error)}`;
  }
}
