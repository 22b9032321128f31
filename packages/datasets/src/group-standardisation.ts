import type { FeatureManifest, FeatureStore, StoredSequence } from './feature-store';
import { RunningStats } from './running-stats';

/** What datasets, training and evaluation read features through: a store, or a view of one. */
export type FeatureSource = Pick<FeatureStore, 'dir' | 'manifest' | 'has' | 'read'>;

/** Per-dimension mean and standard deviation. */
export interface SequenceStats {
  mean: Float64Array;
  std: Float64Array;
  /** The valid frames (mask 1) the statistics come from; 0: the stream never had one. */
  frames: number;
}

/**
 * Mean/std per dimension over the valid frames (mask 1) of sequences; a dimension with no spread (or
 * no valid frame at all) gets std 1, so it passes unscaled.
 */
export function sequenceStats(sequences: Iterable<Pick<StoredSequence, 'data' | 'mask' | 'frames' | 'dim'>>): SequenceStats {
  let running: RunningStats | null = null;
  for (const s of sequences) {
    running ??= new RunningStats(s.dim);
    running.add(s);
  }
  return (running ?? new RunningStats(0)).stats();
}

/** (x − mean) / std per dimension, every frame (masked ones too, as the network sees them); a new array. */
export function standardiseFrames(data: Float32Array, dim: number, stats: SequenceStats): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] - stats.mean[i % dim]) / stats.std[i % dim];
  return out;
}

/**
 * A feature store seen through per-group standardisation: every item's frames are standardised with
 * the mean and std of its group's valid frames — the group being, for speech emotion, the speaker
 * (speaker normalisation: it removes much of what distinguishes voices and keeps what changes within
 * one). The statistics use no labels; for a held-out speaker they come from that speaker's own
 * recordings. Reads every item of the groups once, at construction. A pixel store (`values: 'pixels'`)
 * passes through unchanged: images are not standardised per dimension.
 */
export class GroupStandardisedSource implements FeatureSource {
  readonly dir: string;
  readonly manifest: FeatureManifest;
  private readonly stats = new Map<string, SequenceStats>();

  /** @param groups item id → its group (speaker); only these items can be read. */
  constructor(
    private readonly store: FeatureSource,
    private readonly groups: ReadonlyMap<string, string>,
  ) {
    this.dir = store.dir;
    this.manifest = store.manifest;
    const members = new Map<string, string[]>();
    for (const [id, g] of groups) {
      const ids = members.get(g);
      if (ids) ids.push(id);
      else members.set(g, [id]);
    }
    if (this.manifest.values === 'pixels') return;
    const read = function* (ids: readonly string[]) {
      for (const id of ids) yield store.read(id);
    };
    for (const [g, ids] of members) this.stats.set(g, sequenceStats(read(ids)));
  }

  /** The statistics of one group (speaker). */
  groupStats(group: string): SequenceStats | undefined {
    return this.stats.get(group);
  }

  has(id: string): boolean {
    return this.groups.has(id) && this.store.has(id);
  }

  read(id: string): StoredSequence {
    const g = this.groups.get(id);
    if (g === undefined) throw new Error(`${this.dir}: item '${id}' has no group (speaker) for per-speaker standardisation`);
    const s = this.store.read(id);
    if (this.manifest.values === 'pixels') return s;
    return { ...s, data: standardiseFrames(s.data, s.dim, this.stats.get(g)!) };
  }
}
