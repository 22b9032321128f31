import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@mer/backend';
import type { StoredSequence } from './feature-store';
import type { FeatureSource } from './group-standardisation';
import { alignToFrameCount, fixedWindows, SequenceWindow, sliceWindow, WindowOptions } from './windowing';

/** One item's targets. Exactly one kind of label is expected per dataset. */
export interface LabelledItem {
  id: string;
  /** Per-frame targets [T, L] row-major (valence/arousal; −5 = unlabelled). Their row count is authoritative. */
  frameLabels?: Float32Array;
  /** L for `frameLabels`. Default 2. */
  labelDim?: number;
  /** Class index (clip-level classification). */
  classLabel?: number;
  /** Multi-label targets [L] (CMU-MOSEI emotions). */
  multiLabel?: Float32Array;
}

/** A batch of windows as tensors; call `dispose()` when done. */
export interface SequenceBatch {
  /** Per modality [B, T, D]. */
  features: Record<string, tf.Tensor3D>;
  /** [B, T]: 1 where the frame is real (not padding) and every modality's feature is valid. */
  mask: tf.Tensor2D;
  /** [B, T, L] when items have frame labels (−5 kept: mask it with @mer/metrics' labelMask). */
  frameLabels?: tf.Tensor3D;
  /** [B] int32 when items have class labels. */
  classLabels?: tf.Tensor1D;
  /** [B, L] when items have multi-labels. */
  multiLabels?: tf.Tensor2D;
  ids: string[];
  windows: SequenceWindow[];
  dispose(): void;
}

export interface SequenceDatasetOptions {
  /** Windowing of long sequences (TCN-fusion 300/200). Default: one window per item, padded to the longest. */
  window?: WindowOptions;
  /** Items kept decoded in memory (LRU), by count. Default: by `cacheBytes`. */
  cacheItems?: number;
  /**
   * Bytes of decoded items kept in memory (LRU). Default 512 MB: a set that fits is read from the
   * store once for all epochs; a larger one streams, each item read once per pass over its windows.
   */
  cacheBytes?: number;
  /**
   * Modalities whose invalid frames (mask 0, e.g. no face) mask the whole frame out of the batch
   * mask. Default: every modality. `[]` leaves only padding masked — for models that take a missing
   * modality as its zero vector (e.g. no speech → zero text features).
   */
  requireValid?: readonly string[];
}

interface Entry {
  item: LabelledItem;
  frames: number;
  window: SequenceWindow;
}

function bytesOf(seqs: Record<string, StoredSequence>): number {
  return Object.values(seqs).reduce((n, s) => n + s.data.byteLength + s.mask.byteLength, 0);
}

/**
 * Feature-store sequences + labels → shuffled (seeded) batches of tfjs tensors with masks. Reads
 * items lazily and keeps them up to a memory budget, so a set that fits memory is read once and one
 * far larger than memory streams from disk.
 */
export class SequenceDataset {
  readonly windowSize: number;
  private readonly entries: Entry[] = [];
  private readonly cache = new Map<string, Record<string, StoredSequence>>();
  private cachedBytes = 0;

  constructor(
    private readonly stores: Record<string, FeatureSource>,
    private readonly items: LabelledItem[],
    private readonly options: SequenceDatasetOptions = {},
  ) {
    const modalities = Object.keys(stores);
    if (modalities.length === 0) throw new Error('SequenceDataset: no feature stores given');
    const first = stores[modalities[0]];
    const lengths = new Map<string, number>();
    for (const item of items) {
      for (const m of modalities) {
        if (!stores[m].has(item.id)) throw new Error(`SequenceDataset: item '${item.id}' has no '${m}' features in ${stores[m].dir}`);
      }
      const labelDim = item.labelDim ?? 2;
      if (item.frameLabels && item.frameLabels.length % labelDim !== 0) {
        throw new Error(`SequenceDataset: item '${item.id}' has ${item.frameLabels.length} label values, not a multiple of ${labelDim}`);
      }
      const frames = item.frameLabels ? item.frameLabels.length / labelDim : first.read(item.id).frames;
      lengths.set(item.id, frames);
    }
    this.windowSize = options.window?.size ?? Math.max(1, ...lengths.values());
    for (const item of items) {
      const frames = lengths.get(item.id)!;
      const windows = options.window ? fixedWindows(frames, options.window) : [{ start: 0, end: frames, validLength: frames }];
      for (const window of windows) this.entries.push({ item, frames, window });
    }
  }

  /** Number of windows (examples). */
  get size(): number {
    return this.entries.length;
  }

  private load(item: LabelledItem, frames: number): Record<string, StoredSequence> {
    const hit = this.cache.get(item.id);
    if (hit) {
      this.cache.delete(item.id);
      this.cache.set(item.id, hit);
      return hit;
    }
    const out: Record<string, StoredSequence> = {};
    for (const [m, store] of Object.entries(this.stores)) {
      const s = store.read(item.id);
      // Align every modality to the authoritative frame count (annotation rows).
      const aligned = alignToFrameCount(s.data, s.dim, frames);
      const mask = new Uint8Array(frames);
      for (let t = 0; t < frames; t++) mask[t] = aligned.mask[t] && (t < s.frames ? s.mask[t] : 0) ? 1 : 0;
      out[m] = { data: aligned.data, frames, dim: s.dim, mask, meta: s.meta };
    }
    this.cache.set(item.id, out);
    this.cachedBytes += bytesOf(out);
    const { cacheItems, cacheBytes = 512 * 2 ** 20 } = this.options;
    while (this.cache.size > 1 && (cacheItems !== undefined ? this.cache.size > cacheItems : this.cachedBytes > cacheBytes)) {
      const oldest = this.cache.keys().next().value as string;
      this.cachedBytes -= bytesOf(this.cache.get(oldest)!);
      this.cache.delete(oldest);
    }
    return out;
  }

  /** Yields batches; with `shuffle`, a seeded permutation of the windows. */
  *batches(options: { batchSize: number; shuffle?: boolean; seed?: number; dropLast?: boolean }): Generator<SequenceBatch> {
    const order = options.shuffle ? createRng(options.seed ?? 0).permutation(this.entries.length) : this.entries.map((_, i) => i);
    const size = this.windowSize;
    for (let b = 0; b < order.length; b += options.batchSize) {
      const chosen = order.slice(b, b + options.batchSize).map((i) => this.entries[i]);
      if (options.dropLast && chosen.length < options.batchSize) break;
      const n = chosen.length;
      const features: Record<string, Float32Array> = {};
      const dims: Record<string, number> = {};
      const mask = new Float32Array(n * size);
      for (const m of Object.keys(this.stores)) {
        dims[m] = this.stores[m].manifest.dim;
        features[m] = new Float32Array(n * size * dims[m]);
      }
      const hasFrame = chosen[0].item.frameLabels !== undefined;
      const labelDim = chosen[0].item.labelDim ?? 2;
      const frameLabels = hasFrame ? new Float32Array(n * size * labelDim).fill(-5) : undefined;
      chosen.forEach((e, i) => {
        const seqs = this.load(e.item, e.frames);
        const valid = new Float32Array(size);
        valid.fill(1, 0, e.window.validLength);
        for (const [m, s] of Object.entries(seqs)) {
          const w = sliceWindow(s.data, s.dim, e.window, size);
          features[m].set(w.data, i * size * s.dim);
          if (this.options.requireValid && !this.options.requireValid.includes(m)) continue;
          for (let t = 0; t < e.window.validLength; t++) if (!s.mask[e.window.start + t]) valid[t] = 0;
        }
        mask.set(valid, i * size);
        if (frameLabels && e.item.frameLabels) {
          frameLabels.set(e.item.frameLabels.subarray(e.window.start * labelDim, e.window.end * labelDim), i * size * labelDim);
        }
      });
      const tensors: tf.Tensor[] = [];
      const keep = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
      const batch: SequenceBatch = {
        features: Object.fromEntries(Object.entries(features).map(([m, d]) => [m, keep(tf.tensor3d(d, [n, size, dims[m]]))])),
        mask: keep(tf.tensor2d(mask, [n, size])),
        frameLabels: frameLabels ? keep(tf.tensor3d(frameLabels, [n, size, labelDim])) : undefined,
        classLabels:
          chosen[0].item.classLabel !== undefined ? keep(tf.tensor1d(chosen.map((e) => e.item.classLabel ?? -1), 'int32')) : undefined,
        multiLabels: chosen[0].item.multiLabel
          ? keep(tf.tensor2d(Float32Array.from(chosen.flatMap((e) => Array.from(e.item.multiLabel!))), [n, chosen[0].item.multiLabel.length]))
          : undefined,
        ids: chosen.map((e) => e.item.id),
        windows: chosen.map((e) => e.window),
        dispose: () => tf.dispose(tensors),
      };
      yield batch;
    }
  }
}
