import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@mer/backend';
import type { FeatureSource } from '@mer/datasets';
import type { BatchSource, TrainingBatch } from './trainer';

/**
 * Clip-level examples (AVT-CA): each item's streams have their own fixed lengths (15 face frames,
 * 156 MFCC frames), so they are batched per modality without frame alignment. Items are small and
 * held in memory — except pixel streams (face crops, 15 × 224 × 224 × 3 a clip), read from their
 * store batch by batch.
 */
export class ClipDataset implements BatchSource {
  private readonly data: { id: string; label: number; targets?: Float32Array; streams: Record<string, Float32Array> }[] = [];
  private readonly shapes: Record<string, [number, number]> = {};
  /** Pixel streams: not held, read from the store for each batch. */
  private readonly onDisk: Record<string, FeatureSource> = {};

  constructor(stores: Record<string, FeatureSource>, items: readonly { id: string; classLabel?: number; multiLabel?: Float32Array }[]) {
    for (const item of items) {
      const streams: Record<string, Float32Array> = {};
      for (const [m, store] of Object.entries(stores)) {
        if (!store.has(item.id)) throw new Error(`ClipDataset: item '${item.id}' has no '${m}' features in ${store.dir}`);
        const s = store.read(item.id);
        const shape = this.shapes[m];
        if (shape && (shape[0] !== s.frames || shape[1] !== s.dim)) {
          throw new Error(`ClipDataset: item '${item.id}' '${m}' is ${s.frames}×${s.dim}, other items are ${shape[0]}×${shape[1]}`);
        }
        this.shapes[m] = [s.frames, s.dim];
        if (store.manifest.values === 'pixels') this.onDisk[m] = store;
        else streams[m] = s.data;
      }
      this.data.push({ id: item.id, label: item.classLabel ?? -1, targets: item.multiLabel, streams });
    }
  }

  get size(): number {
    return this.data.length;
  }

  *batches(options: { batchSize: number; shuffle?: boolean; seed?: number }): Generator<TrainingBatch> {
    const order = options.shuffle ? createRng(options.seed ?? 0).permutation(this.data.length) : this.data.map((_, i) => i);
    for (let b = 0; b < order.length; b += options.batchSize) {
      const chosen = order.slice(b, b + options.batchSize).map((i) => this.data[i]);
      const features: Record<string, tf.Tensor3D> = {};
      for (const [m, [frames, dim]] of Object.entries(this.shapes)) {
        const buf = new Float32Array(chosen.length * frames * dim);
        chosen.forEach((c, i) => buf.set(this.onDisk[m]?.read(c.id).data ?? c.streams[m], i * frames * dim));
        features[m] = tf.tensor3d(buf, [chosen.length, frames, dim]);
      }
      const classLabels = tf.tensor1d(chosen.map((c) => c.label), 'int32');
      const k = chosen[0].targets?.length ?? 0;
      const multiLabels = k > 0 ? tf.tensor2d(Float32Array.from(chosen.flatMap((c) => Array.from(c.targets!))), [chosen.length, k]) : undefined;
      yield {
        features,
        classLabels,
        multiLabels,
        ids: chosen.map((c) => c.id),
        dispose: () => tf.dispose([...Object.values(features), classLabels, ...(multiLabels ? [multiLabels] : [])]),
      };
    }
  }
}
