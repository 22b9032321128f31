/** Per-dimension mean and standard deviation of a feature stream. */
export interface FeatureStats {
  mean: number[];
  std: number[];
}

/**
 * Mean/std per dimension over the valid frames (mask 1) of the given items; a dimension with no
 * spread (or a stream with no valid frame) gets std 1 so it passes unscaled.
 */
export function featureStats(store: { read(id: string): { data: Float32Array; mask: Uint8Array; frames: number; dim: number } }, ids: readonly string[]): FeatureStats {
  let dim = 0;
  let n = 0;
  let sum = new Float64Array(0);
  let sq = new Float64Array(0);
  for (const id of ids) {
    const s = store.read(id);
    if (dim === 0) {
      dim = s.dim;
      sum = new Float64Array(dim);
      sq = new Float64Array(dim);
    }
    for (let t = 0; t < s.frames; t++) {
      if (!s.mask[t]) continue;
      n++;
      for (let d = 0; d < dim; d++) {
        const v = s.data[t * dim + d];
        sum[d] += v;
        sq[d] += v * v;
      }
    }
  }
  const mean = Array.from(sum, (v) => (n > 0 ? v / n : 0));
  const std = Array.from(sq, (v, d) => {
    const variance = n > 0 ? v / n - mean[d] * mean[d] : 0;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean, std };
}
