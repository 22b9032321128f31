import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@mer/backend';
import type { ModelBatch } from './pipeline-model';

/** A batch mixed with a shuffled copy of itself, and what the loss needs to weigh both label sets. */
export interface MixedBatch extends ModelBatch {
  /** λ: the weight of the batch's own items (and labels). */
  lambda: number;
  /** [B] the labels of each row's partner. */
  partnerLabels: tf.Tensor1D;
}

/**
 * Mixup (Zhang et al., ICLR 2018) of one single-label classification batch: λ ~ Beta(α, α), a
 * permutation π of the rows, x̃ = λ·x + (1 − λ)·x[π] for every stream; the loss is then
 * λ·L(y) + (1 − λ)·L(y[π]). Masks (where the batch has one) are the union of both rows'.
 * @param batch per stream [B, T, D], class labels [B]
 */
export function mixupBatch(batch: ModelBatch & { classLabels: tf.Tensor1D }, alpha: number, rng: Rng): MixedBatch {
  if (!(alpha > 0)) throw new Error(`mixup: alpha must be positive, got ${alpha}`);
  const lambda = rng.beta(alpha, alpha);
  const b = batch.classLabels.shape[0];
  const partner = tf.tensor1d(rng.permutation(b), 'int32');
  const mixed = tf.tidy(() => {
    const features: Record<string, tf.Tensor3D> = {};
    for (const [name, x] of Object.entries(batch.features)) features[name] = tf.add(tf.mul(x, lambda), tf.mul(tf.gather(x, partner), 1 - lambda)) as tf.Tensor3D;
    const mask = batch.mask ? (tf.maximum(batch.mask, tf.gather(batch.mask, partner)) as tf.Tensor2D) : undefined;
    return { features, mask, partnerLabels: tf.gather(batch.classLabels, partner) as tf.Tensor1D };
  });
  partner.dispose();
  return { ...mixed, lambda };
}

/** Frees what {@link mixupBatch} made (not the batch it was made from). */
export function disposeMixed(m: MixedBatch): void {
  tf.dispose([...Object.values(m.features), m.partnerLabels, ...(m.mask ? [m.mask] : [])]);
}

/** The refusal of mixup where a run's labels are not single classes. */
export function mixupRefused(alpha: number, labels: string): never {
  throw new Error(`mixup (${alpha}) is for single-label classification; this run's labels are ${labels}`);
}
