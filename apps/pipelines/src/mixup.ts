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
 * With `speakers` (mixup within a speaker), π permutes the rows of each speaker among themselves: a
 * row's partner is of its own speaker (itself when its speaker has no other row in the batch).
 * @param batch per stream [B, T, D], class labels [B]
 * @param speakers [B] each row's speaker, for mixup within a speaker
 */
export function mixupBatch(batch: ModelBatch & { classLabels: tf.Tensor1D }, alpha: number, rng: Rng, speakers?: readonly string[]): MixedBatch {
  if (!(alpha > 0)) throw new Error(`mixup: alpha must be positive, got ${alpha}`);
  const lambda = rng.beta(alpha, alpha);
  const b = batch.classLabels.shape[0];
  if (speakers && speakers.length !== b) throw new Error(`mixup within a speaker: ${speakers.length} speakers for a batch of ${b}`);
  const partner = tf.tensor1d(speakers ? withinGroups(speakers, rng) : rng.permutation(b), 'int32');
  const mixed = tf.tidy(() => {
    const features: Record<string, tf.Tensor3D> = {};
    for (const [name, x] of Object.entries(batch.features)) features[name] = tf.add(tf.mul(x, lambda), tf.mul(tf.gather(x, partner), 1 - lambda)) as tf.Tensor3D;
    const mask = batch.mask ? (tf.maximum(batch.mask, tf.gather(batch.mask, partner)) as tf.Tensor2D) : undefined;
    return { features, mask, partnerLabels: tf.gather(batch.classLabels, partner) as tf.Tensor1D };
  });
  partner.dispose();
  return { ...mixed, lambda };
}

/** A permutation of the rows that maps each row to one of its own group (rows of a group shuffled among themselves, groups in first-seen order). */
export function withinGroups(groups: readonly string[], rng: Rng): number[] {
  const rows = new Map<string, number[]>();
  groups.forEach((g, r) => rows.set(g, [...(rows.get(g) ?? []), r]));
  const partner = new Array<number>(groups.length);
  for (const members of rows.values()) {
    const order = rng.permutation(members.length);
    members.forEach((r, k) => (partner[r] = members[order[k]]));
  }
  return partner;
}

/** Frees what {@link mixupBatch} made (not the batch it was made from). */
export function disposeMixed(m: MixedBatch): void {
  tf.dispose([...Object.values(m.features), m.partnerLabels, ...(m.mask ? [m.mask] : [])]);
}

/** The refusal of mixup where a run's labels are not single classes. */
export function mixupRefused(alpha: number, labels: string): never {
  throw new Error(`mixup (${alpha}) is for single-label classification; this run's labels are ${labels}`);
}
