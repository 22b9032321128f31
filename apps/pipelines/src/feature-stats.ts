import { sequenceStats } from '@mer/datasets';

/** Per-dimension mean and standard deviation of a feature stream. */
export interface FeatureStats {
  mean: number[];
  std: number[];
  /** Valid frames (mask 1) of the training items; 0: the network never saw this stream (absent in runs before it was recorded). */
  validFrames?: number;
  /** 'pixels': an image stream (face crops), which the network scales itself: no mean/std, inputs pass unchanged. */
  values?: 'pixels';
}

/**
 * Mean/std per dimension over the valid frames (mask 1) of the given items; a dimension with no
 * spread (or a stream with no valid frame) gets std 1 so it passes unscaled. A pixel store (its
 * manifest says `values: 'pixels'`) gets no statistics, only its valid frames.
 */
export function featureStats(store: { manifest?: { values?: 'pixels' }; read(id: string): { data: Float32Array; mask: Uint8Array; frames: number; dim: number } }, ids: readonly string[]): FeatureStats {
  if (store.manifest?.values === 'pixels') {
    const validFrames = ids.reduce((n, id) => n + store.read(id).mask.reduce((k, m) => k + (m ? 1 : 0), 0), 0);
    return { mean: [], std: [], validFrames, values: 'pixels' };
  }
  const read = function* () {
    for (const id of ids) yield store.read(id);
  };
  const s = sequenceStats(read());
  return { mean: Array.from(s.mean), std: Array.from(s.std), validFrames: s.frames };
}
