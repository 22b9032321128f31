/** The newest `capacity` samples of a stream, in order, however many have passed. */
export class SampleRing {
  private readonly buffer: Float32Array;
  private written = 0;

  constructor(readonly capacity: number) {
    this.buffer = new Float32Array(capacity);
  }

  push(block: Float32Array): void {
    const b = block.length > this.capacity ? block.subarray(block.length - this.capacity) : block;
    const at = (this.written + block.length - b.length) % this.capacity;
    const first = Math.min(b.length, this.capacity - at);
    this.buffer.set(b.subarray(0, first), at);
    this.buffer.set(b.subarray(first), 0);
    this.written += block.length;
  }

  /** Samples pushed so far. */
  get total(): number {
    return this.written;
  }

  /** The newest `n` samples (a copy), oldest first; null while fewer have been pushed. */
  last(n: number): Float32Array | null {
    if (n > this.capacity) throw new Error(`SampleRing: ${n} samples asked of a ring of ${this.capacity}`);
    if (n > this.written) return null;
    const out = new Float32Array(n);
    const start = (this.written - n) % this.capacity;
    const first = Math.min(n, this.capacity - start);
    out.set(this.buffer.subarray(start, start + first));
    out.set(this.buffer.subarray(0, n - first), first);
    return out;
  }
}
