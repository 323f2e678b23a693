/** A growable array of doubles: 8 bytes a turn, the only per-turn state the gate keeps. */
export class NumberList {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** A view of the values pushed so far (no copy). */
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
