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
 * output, then `result()` divides by how many windows covered each frame.
 */
export class OverlapAverager {
  private readonly sum: Float64Array;
  private readonly count: Uint16Array;

  constructor(
    readonly length: number,
    readonly dim: number,
  ) {
    this.sum = new Float64Array(length * dim);
    this.count = new Uint16Array(length);
  }

  /** @param values [≥ validLength, D] row-major predictions for window `w` */
  add(w: SequenceWindow, values: ArrayLike<number>): void {
    for (let t = 0; t < w.validLength; t++) {
      const frame = w.start + t;
      this.count[frame]++;
      for (let d = 0; d < this.dim; d++) this.sum[frame * this.dim + d] += values[t * this.dim + d];
    }
  }

  /** @returns [T, D] averages; a frame no window covered is an error (it would be a silent 0). */
  result(): Float32Array {
    const out = new Float32Array(this.length * this.dim);
    for (let t = 0; t < this.length; t++) {
      if (this.count[t] === 0) throw new Error(`OverlapAverager: frame ${t} of ${this.length} was covered by no window`);
      for (let d = 0; d < this.dim; d++) out[t * this.dim + d] = this.sum[t * this.dim + d] / this.count[t];
    }
    return out;
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
