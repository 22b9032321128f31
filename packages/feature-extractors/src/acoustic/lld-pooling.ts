import { AcousticLlds, EGEMAPS_LLD_NAMES } from './egemaps-llds';

export const EGEMAPS_LLD_DIM = EGEMAPS_LLD_NAMES.length;

/**
 * LLD rows pooled onto frame times: each frame's value is the mean of the 10 ms rows centred in
 * `[times[f], times[f + 1])` (the last frame spans 1/fps), or the nearest row when none is.
 * @returns [times.length, 25]
 */
export function poolLlds(l: AcousticLlds, times: ArrayLike<number>, fps: number): Float32Array {
  const D = EGEMAPS_LLD_DIM;
  const out = new Float32Array(times.length * D);
  for (let f = 0; f < times.length; f++) {
    const t0 = times[f];
    const t1 = f + 1 < times.length ? times[f + 1] : t0 + 1 / fps;
    let lo = Math.ceil(t0 / l.timeStep - 1e-9);
    let hi = Math.ceil(t1 / l.timeStep - 1e-9) - 1;
    if (hi < lo) lo = hi = Math.round(t0 / l.timeStep);
    lo = Math.max(0, Math.min(l.frames - 1, lo));
    hi = Math.max(0, Math.min(l.frames - 1, hi));
    const row = out.subarray(f * D, (f + 1) * D);
    for (let r = lo; r <= hi; r++) for (let d = 0; d < D; d++) row[d] += l.data[r * D + d];
    for (let d = 0; d < D; d++) row[d] /= hi - lo + 1;
  }
  return out;
}
