import type { StoredSequence } from './feature-store';
import type { SequenceStats } from './group-standardisation';

/**
 * Mean/std per dimension over the valid frames (mask 1) of sequences added one at a time, in memory
 * of one row whatever their length: a live stream's statistics so far. `stats()` is what
 * `sequenceStats` gives for the same sequences.
 */
export class RunningStats {
  private n = 0;
  private sum: Float64Array;
  private sq: Float64Array;

  constructor(readonly dim: number) {
    this.sum = new Float64Array(dim);
    this.sq = new Float64Array(dim);
  }

  add(s: Pick<StoredSequence, 'data' | 'mask' | 'frames' | 'dim'>): void {
    if (s.dim !== this.dim) throw new Error(`RunningStats: a sequence of ${s.dim} dimensions added to statistics of ${this.dim}`);
    for (let t = 0; t < s.frames; t++) {
      if (!s.mask[t]) continue;
      this.n++;
      for (let d = 0; d < s.dim; d++) {
        const v = s.data[t * s.dim + d];
        this.sum[d] += v;
        this.sq[d] += v * v;
      }
    }
  }

  /** Valid frames added. */
  get frames(): number {
    return this.n;
  }

  /** Mean and std per dimension; a dimension with no spread (or no valid frame at all) gets std 1, so it passes unscaled. */
  stats(): SequenceStats {
    const n = this.n;
    const mean = this.sum.map((v) => (n > 0 ? v / n : 0));
    const std = this.sq.map((v, d) => {
      const variance = n > 0 ? v / n - mean[d] * mean[d] : 0;
      return variance > 1e-12 ? Math.sqrt(variance) : 1;
    });
    return { mean, std, frames: n };
  }
}
