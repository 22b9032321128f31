/** One window over a sequence: frames [start, end) of the source, padded to the window size. */
export interface SequenceWindow {
  start: number;
  end: number;
  /** Real frames in the window (end − start); the rest is padding with mask 0. */
  validLength: number;
}

export interface WindowOptions {
  /** Frames per window. TCN-fusion: 300. */
  size: number;
  /** Frames between window starts. TCN-fusion: 200. */
  hop: number;
}

export const TCN_FUSION_WINDOWS: WindowOptions = { size: 300, hop: 200 };

/**
 * Fixed-length windows with hop; the last window is end-aligned so the tail is covered without a
 * short window. A sequence shorter than `size` gives one window from 0, padded.
 */
export function fixedWindows(length: number, options: WindowOptions = TCN_FUSION_WINDOWS): SequenceWindow[] {
  const { size, hop } = options;
  if (!(size > 0 && hop > 0)) throw new Error(`window size and hop must be positive, got ${size}/${hop}`);
  if (length <= 0) return [];
  if (length <= size) return [{ start: 0, end: length, validLength: length }];
  const out: SequenceWindow[] = [];
  let start = 0;
  for (; start + size < length; start += hop) out.push({ start, end: start + size, validLength: size });
  const last = length - size;
  if (out.length === 0 || out[out.length - 1].start !== last) out.push({ start: last, end: length, validLength: size });
  return out;
}

/**
 * Cuts a window out of a row-major `[T, D]` sequence, zero-padded to `size` rows.
 * @returns data [size, D] and mask [size] (1 for real frames)
 */
export function sliceWindow(sequence: Float32Array, dim: number, w: SequenceWindow, size: number): { data: Float32Array; mask: Float32Array } {
  const data = new Float32Array(size * dim);
  data.set(sequence.subarray(w.start * dim, w.end * dim));
  const mask = new Float32Array(size);
  mask.fill(1, 0, w.validLength);
  return { data, mask };
}

/**
 * Averages overlapping window predictions back onto a sequence: accumulate each window's `[size, D]`
 * output, then `result()` divides by how many windows covered each frame. For streams, `take(end)`
 * hands out the finished frames before `end` and forgets them, so memory stays that of the windows
 * in flight; windows may then run past `length`.
 */
export class OverlapAverager {
  private sum: Float64Array;
  private count: Uint16Array;
  /** Frame index of the first row still held. */
  private first = 0;

  constructor(
    readonly length: number,
    readonly dim: number,
  ) {
    this.sum = new Float64Array(length * dim);
    this.count = new Uint16Array(length);
  }

  private ensure(end: number): void {
    const need = end - this.first;
    if (need <= this.count.length) return;
    const sum = new Float64Array(need * this.dim);
    sum.set(this.sum);
    const count = new Uint16Array(need);
    count.set(this.count);
    this.sum = sum;
    this.count = count;
  }

  /** @param values [≥ validLength, D] row-major predictions for window `w` */
  add(w: SequenceWindow, values: ArrayLike<number>): void {
    if (w.start < this.first) throw new Error(`OverlapAverager: window at frame ${w.start} starts before frame ${this.first}, which was already taken`);
    this.ensure(w.start + w.validLength);
    for (let t = 0; t < w.validLength; t++) {
      const row = w.start + t - this.first;
      this.count[row]++;
      for (let d = 0; d < this.dim; d++) this.sum[row * this.dim + d] += values[t * this.dim + d];
    }
  }

  /**
   * Averages of the frames from the last `take` up to `end` (exclusive), which no later window may
   * cover; they are then forgotten. A frame no window covered is an error (it would be a silent 0).
   * @returns [end − first, D]
   */
  take(end: number, total: number = end): Float32Array {
    const rows = end - this.first;
    this.ensure(end);
    const out = new Float32Array(rows * this.dim);
    for (let r = 0; r < rows; r++) {
      if (this.count[r] === 0) throw new Error(`OverlapAverager: frame ${this.first + r} of ${total} was covered by no window`);
      for (let d = 0; d < this.dim; d++) out[r * this.dim + d] = this.sum[r * this.dim + d] / this.count[r];
    }
    this.sum = this.sum.slice(rows * this.dim);
    this.count = this.count.slice(rows);
    this.first = end;
    return out;
  }

  /** @returns [T, D] averages of every frame (or of those not yet taken). */
  result(): Float32Array {
    return this.take(this.length, this.length);
  }
}

/**
 * AVT-CA clip sampling: `frames` indices spread evenly over the first `seconds` of a video (or its
 * whole length when shorter), clamped to the last frame.
 */
export function clipFrameIndices(numFrames: number, fps: number, options: { frames?: number; seconds?: number } = {}): number[] {
  const frames = options.frames ?? 15;
  const seconds = options.seconds ?? 3.6;
  if (numFrames <= 0) throw new Error('clipFrameIndices: the video has no frames');
  const span = Math.min(numFrames, Math.round(seconds * fps));
  return Array.from({ length: frames }, (_, i) => Math.min(numFrames - 1, Math.floor(((i + 0.5) * span) / frames)));
}

/** Centre-crops or zero-pads (both sides) audio to exactly `length` samples (AVT-CA: 3.6 s). */
export function centreCropOrPad(samples: Float32Array, length: number): Float32Array {
  if (samples.length === length) return samples.slice();
  const out = new Float32Array(length);
  if (samples.length > length) {
    const off = Math.floor((samples.length - length) / 2);
    out.set(samples.subarray(off, off + length));
  } else {
    out.set(samples, Math.floor((length - samples.length) / 2));
  }
  return out;
}

/**
 * Aligns a decoded per-frame sequence to an authoritative frame count (e.g. Aff-Wild2 annotation
 * rows, often the decoder's count + 1): extra decoded frames are dropped, missing ones repeat the
 * last decoded frame and are masked out.
 * @param sequence [T, D] row-major → data [targetLength, D], mask [targetLength]
 */
export function alignToFrameCount(sequence: Float32Array, dim: number, targetLength: number): { data: Float32Array; mask: Float32Array } {
  const have = Math.floor(sequence.length / dim);
  if (have === 0) throw new Error('alignToFrameCount: the sequence is empty');
  const data = new Float32Array(targetLength * dim);
  const mask = new Float32Array(targetLength);
  const keep = Math.min(have, targetLength);
  data.set(sequence.subarray(0, keep * dim));
  mask.fill(1, 0, keep);
  for (let t = keep; t < targetLength; t++) data.set(sequence.subarray((have - 1) * dim, have * dim), t * dim);
  return { data, mask };
}
