/** Bytes per block: one write to the destination carries about this much. */
export const BLOCK_BYTES = 1 << 20;
/** Written blocks kept to fill again. */
const FREE_BLOCKS = 4;

/**
 * The one batching writer under every JSONL output (the stages' encoder, td report's files): text is
 * UTF-8-encoded straight into a 1 MiB block as it comes, and a full block goes to the destination in
 * one write. Measured on 100 MB of turn records (JSON.stringify included), encoding line by line into a
 * block took about half the CPU of gathering lines into one string and writing that (the string is
 * flattened, i.e. copied, and then encoded: 0.5-0.9 s against 1.2-1.6 s).
 *
 * `write(true)` also hands over the part of the current block filled so far (a producer that paused,
 * the end of the output): the block is not reused below what was handed over, so no copy is made and
 * the destination may keep the view until it has written it. A block whose bytes are all written is
 * filled again: allocating a new block per MiB left the old ones to the garbage collector, which let
 * them pile up (td validate on 200 MB peaked at 167-188 MB instead of about 130-150).
 */
export class BlockWriter {
  private block: Buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  /** Bytes of `block` filled, and the first of them not yet handed to the destination. */
  private used = 0;
  private sent = 0;
  /** Bytes not yet handed to the destination, each with the block it is a view of (none for a text larger than a block). */
  private readonly ready: Array<{ bytes: Buffer; block: Buffer | undefined }> = [];
  /** Writes in flight per block, and blocks whose writes are all done. */
  private readonly inFlight = new Map<Buffer, number>();
  private readonly free: Buffer[] = [];

  constructor(readonly destination: NodeJS.WritableStream) {}

  /** Bytes added but not yet handed to the destination. */
  get pendingBytes(): number {
    let bytes = this.used - this.sent;
    for (const { bytes: part } of this.ready) bytes += part.length;
    return bytes;
  }

  /** Whether a full block waits to be written. */
  get hasFullBlock(): boolean {
    return this.ready.length > 0;
  }

  add(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; count exactly only when that bound does not fit.
    if (text.length * 3 > BLOCK_BYTES - this.used) {
      const bytes = Buffer.byteLength(text);
      if (bytes > BLOCK_BYTES - this.used) {
        this.seal();
        if (bytes > BLOCK_BYTES) {
          this.ready.push({ bytes: Buffer.from(text), block: undefined });
          return;
        }
      }
    }
    this.used += this.block.write(text, this.used);
  }

  /**
   * Hands the full blocks to the destination, and with `partial` the rest added so far too. Returns
   * false when the destination asks to wait for `drain` (see `drained`).
   */
  write(partial = false): boolean {
    if (partial && this.used > this.sent) {
      this.ready.push({ bytes: this.block.subarray(this.sent, this.used), block: this.block });
      this.sent = this.used;
    }
    let ready = true;
    for (const { bytes, block } of this.ready) {
      if (block === undefined) {
        ready = this.destination.write(bytes) && ready;
        continue;
      }
      this.inFlight.set(block, (this.inFlight.get(block) ?? 0) + 1);
      ready = this.destination.write(bytes, (error?: Error | null) => this.written(block, error)) && ready;
    }
    this.ready.length = 0;
    return ready;
  }

  /** Moves the current block's unsent bytes to the ready ones and goes on in a free block. */
  private seal(): void {
    if (this.used > this.sent) this.ready.push({ bytes: this.block.subarray(this.sent, this.used), block: this.block });
    if (this.used === 0) return;
    const full = this.block;
    this.block = this.free.pop() ?? Buffer.allocUnsafe(BLOCK_BYTES);
    this.used = 0;
    this.sent = 0;
    if (!this.inFlight.has(full) && !this.ready.some((part) => part.block === full)) this.release(full);
  }

  /** A write is done: a block no longer being filled, with no write left in flight, can be filled again. */
  private written(block: Buffer, error: Error | null | undefined): void {
    const left = (this.inFlight.get(block) ?? 1) - 1;
    if (left > 0) {
      this.inFlight.set(block, left);
      return;
    }
    this.inFlight.delete(block);
    // Not after a failed write (the destination may still hold the bytes), nor while it is being filled.
    if (!error && block !== this.block && !this.ready.some((part) => part.block === block)) this.release(block);
  }

  private release(block: Buffer): void {
    if (this.free.length < FREE_BLOCKS) this.free.push(block);
  }
}

/** Resolves on `drain`, or on `close` (after an error, which the caller reports); leaves no listener behind. */
export function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
