import type { CsdSequence } from './cmu-mosei';

/** A sequence put onto a segment's steps: `[steps, dim]` with a mask of the steps that had data. */
export interface AlignedSteps {
  data: Float32Array;
  mask: Uint8Array;
  steps: number;
  dim: number;
}

/**
 * Puts the rows of a computational sequence (each with its own [start, end] interval: word-aligned
 * GloVe, 100 Hz COVAREP, 30 Hz FACET) onto `steps` equal sub-intervals of one segment: each step is the
 * mean of the rows overlapping it, weighted by the overlap (the interval averaging of the SDK's
 * `align`, at `steps` points per segment instead of one). A step no row overlaps is zero and masked.
 * @returns data [steps, dim]
 */
export function alignToSteps(seq: CsdSequence, start: number, end: number, steps: number): AlignedSteps {
  const { dim } = seq;
  const data = new Float32Array(steps * dim);
  const weight = new Float64Array(steps);
  const span = (end - start) / steps;
  if (!(span > 0)) throw new Error(`segment [${start}, ${end}] is empty`);
  for (let r = 0; r < seq.rows; r++) {
    const a = seq.intervals[r * 2];
    const b = seq.intervals[r * 2 + 1];
    if (b <= start || a >= end) continue;
    // A zero-length row (a point in time) counts in the step that contains it.
    const first = Math.max(0, Math.floor((a - start) / span));
    const last = Math.min(steps - 1, Math.ceil((b - start) / span) - 1);
    for (let k = first; k <= Math.max(first, last); k++) {
      const s0 = start + k * span;
      const overlap = b > a ? Math.min(b, s0 + span) - Math.max(a, s0) : 1e-9;
      if (overlap <= 0) continue;
      weight[k] += overlap;
      for (let d = 0; d < dim; d++) data[k * dim + d] += overlap * seq.features[r * dim + d];
    }
  }
  const mask = new Uint8Array(steps);
  for (let k = 0; k < steps; k++) {
    if (weight[k] <= 0) continue;
    mask[k] = 1;
    for (let d = 0; d < dim; d++) data[k * dim + d] /= weight[k];
  }
  return { data, mask, steps, dim };
}
