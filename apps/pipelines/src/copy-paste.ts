import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@mer/backend';
import type { CopyPaste } from '@mer/training';
import type { ModelBatch } from './pipeline-model';

/** A batch of pasted rows: each emotional row's frames joined with a neutral row's of its speaker. */
export interface PastedBatch extends ModelBatch {
  /** [P] the emotional rows' labels. */
  classLabels: tf.Tensor1D;
  /** For each pasted row: the emotional and the neutral row of the source batch, in the order their frames follow each other. */
  pairs: { emotional: number; neutral: number; neutralFirst: boolean }[];
  dispose(): void;
}

/**
 * CopyPaste (N-CP, Pappagari et al., "CopyPaste: An Augmentation Method for Speech Emotion
 * Recognition", arXiv 2010.14602) within one batch: each row whose class is not `neutral` and whose
 * speaker has a neutral row in the batch is, with `probability`, concatenated in time with one of
 * those neutral rows (drawn uniformly), in random order, keeping the emotional row's label. Every
 * stream is joined the same way (its valid frames; padding is dropped and the pasted rows padded to
 * the longest, with a mask, when the batch has one). Null when no row pairs.
 * @param batch per stream [B, T, D], mask [B, T] where padded; `labels` [B] and `speakers` [B] of its rows
 * @returns per stream [P, T′, D] with T′ = the longest joined row (2T for fixed-length clips)
 */
export async function copyPasteBatch(batch: ModelBatch, labels: ArrayLike<number>, speakers: readonly string[], neutral: number, config: Pick<CopyPaste, 'probability'>, rng: Rng): Promise<PastedBatch | null> {
  const pairs: PastedBatch['pairs'] = [];
  for (let r = 0; r < labels.length; r++) {
    if (labels[r] === neutral) continue;
    const partners = [];
    for (let j = 0; j < labels.length; j++) if (labels[j] === neutral && speakers[j] === speakers[r]) partners.push(j);
    if (partners.length === 0 || !(rng.next() < config.probability)) continue;
    pairs.push({ emotional: r, neutral: partners[rng.int(partners.length)], neutralFirst: rng.int(2) === 1 });
  }
  if (pairs.length === 0) return null;
  const maskT = batch.mask?.shape[1];
  const mask = batch.mask ? ((await batch.mask.data()) as Float32Array) : null;
  const features: Record<string, tf.Tensor3D> = {};
  let outMask: tf.Tensor2D | undefined;
  for (const [stream, x] of Object.entries(batch.features)) {
    const [, t, d] = x.shape;
    const data = (await x.data()) as Float32Array;
    const aligned = mask !== null && maskT === t;
    const frames = (row: number) => {
      const out: number[] = [];
      for (let k = 0; k < t; k++) if (!aligned || mask![row * t + k] > 0) out.push(k);
      return out;
    };
    const joined = pairs.map((p) => (p.neutralFirst ? [p.neutral, p.emotional] : [p.emotional, p.neutral]).flatMap((row) => frames(row).map((k) => row * t + k)));
    const length = Math.max(...joined.map((j) => j.length));
    const buf = new Float32Array(pairs.length * length * d);
    joined.forEach((rows, i) => rows.forEach((src, k) => buf.set(data.subarray(src * d, (src + 1) * d), (i * length + k) * d)));
    features[stream] = tf.tensor3d(buf, [pairs.length, length, d]);
    if (aligned && !outMask) outMask = tf.tensor2d(Float32Array.from(joined.flatMap((rows) => Array.from({ length }, (_, k) => (k < rows.length ? 1 : 0)))), [pairs.length, length]);
  }
  const classLabels = tf.tensor1d(pairs.map((p) => labels[p.emotional]), 'int32');
  return { features, mask: outMask, classLabels, pairs, dispose: () => tf.dispose([...Object.values(features), classLabels, ...(outMask ? [outMask] : [])]) };
}
