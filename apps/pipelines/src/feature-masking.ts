import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@mer/backend';
import type { FeatureMasking } from '@mer/training';
import type { ModelBatch } from './pipeline-model';

/** One masked region of one row of one stream: frames [t0, t0 + t) of the row's valid frames, or dimensions [f0, f0 + f) of all of them. */
export interface MaskRegion {
  stream: string;
  row: number;
  axis: 'time' | 'feature';
  /** First frame (the index among the row's valid frames) or first dimension. */
  start: number;
  width: number;
}

/**
 * SpecAugment-style masking (Park et al., Interspeech 2019, without time warping) of one training
 * batch: for each row of each stream, `timeMasks` runs of t ~ U{0…maxTimeWidth} consecutive valid
 * frames (never padding; a stream of one frame per item has no time axis and is left alone) and
 * `featureMasks` runs of f ~ U{0…maxFeatureWidth} consecutive dimensions over the valid frames, set to
 * the fill: the stream's training mean per dimension (`means`, where `fill` is 'mean' — 0 after
 * standardisation, as SpecAugment fills normalised log-mels) or the number given. Padded frames and
 * every value outside the regions are the input's, bit for bit. Returns new tensors (the caller
 * disposes them) and the regions drawn.
 * @param batch per stream [B, T, D]; mask [B, T] (1 = a real frame) where the streams are padded
 */
export async function maskFeatures(batch: ModelBatch, config: FeatureMasking, rng: Rng, means: Record<string, Float32Array | undefined> = {}): Promise<{ features: Record<string, tf.Tensor3D>; regions: MaskRegion[] }> {
  const regions: MaskRegion[] = [];
  const mask = batch.mask ? ((await batch.mask.data()) as Float32Array) : null;
  const features: Record<string, tf.Tensor3D> = {};
  for (const [stream, x] of Object.entries(batch.features)) {
    const [b, t, d] = x.shape;
    const fill = fillValues(stream, config.fill, d, means[stream]);
    const data = Float32Array.from((await x.data()) as Float32Array);
    // The mask's frames are this stream's when their counts agree (frame-aligned batches); otherwise every frame is real.
    const masked = mask && batch.mask!.shape[1] === t ? mask : null;
    for (let r = 0; r < b; r++) {
      const valid: number[] = [];
      for (let k = 0; k < t; k++) if (!masked || masked[r * t + k] > 0) valid.push(k);
      const set = (frame: number, dim: number) => {
        data[(r * t + frame) * d + dim] = fill[dim];
      };
      if (t > 1) {
        for (let m = 0; m < config.timeMasks; m++) {
          const width = Math.min(rng.int(config.maxTimeWidth + 1), valid.length);
          const start = rng.int(valid.length - width + 1);
          regions.push({ stream, row: r, axis: 'time', start, width });
          for (let k = start; k < start + width; k++) for (let j = 0; j < d; j++) set(valid[k], j);
        }
      }
      for (let m = 0; m < config.featureMasks; m++) {
        const width = Math.min(rng.int(config.maxFeatureWidth + 1), d);
        const start = rng.int(d - width + 1);
        regions.push({ stream, row: r, axis: 'feature', start, width });
        for (const k of valid) for (let j = start; j < start + width; j++) set(k, j);
      }
    }
    features[stream] = tf.tensor3d(data, [b, t, d]);
  }
  return { features, regions };
}

function fillValues(stream: string, fill: FeatureMasking['fill'], dim: number, mean: Float32Array | undefined): Float32Array {
  if (fill !== 'mean') return new Float32Array(dim).fill(fill);
  if (!mean) return new Float32Array(dim); // no statistics (an unnormalised stream): its zero
  if (mean.length !== dim) throw new Error(`feature masking: stream '${stream}' is ${dim}-d, its training mean ${mean.length}-d`);
  return mean;
}
