import * as tf from '@tensorflow/tfjs-core';
import { cccLoss, labelMask, maskedMse } from '@mer/metrics';

export { cccLoss, labelMask, maskedMse };

/**
 * MAVEN's loss (eq. 32): mean over labelled frames of (v − v̂)² + (a − â)², i.e. 2 × the masked MSE
 * per value. −5 (unlabelled) targets are masked automatically unless a mask is given.
 * @param prediction [..., 2] @param target [..., 2] @param mask [...]
 */
export function vaMseLoss(prediction: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mul(2, maskedMse(prediction, target, mask ?? labelMask(target))) as tf.Scalar);
}

/**
 * Softmax cross-entropy from logits and integer labels, averaged over the batch.
 * @param logits [B, K] @param labels [B] int32
 */
export function crossEntropyLoss(logits: tf.Tensor, labels: tf.Tensor, options: { labelSmoothing?: number; classWeights?: readonly number[] } = {}): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[logits.rank - 1] as number;
    if (labels.shape[0] !== logits.shape[0]) throw new Error(`crossEntropyLoss: ${labels.shape[0]} labels for ${logits.shape[0]} rows of logits`);
    const eps = options.labelSmoothing ?? 0;
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), k);
    const target = tf.add(tf.mul(oneHot, 1 - eps), eps / k); // [B, K]
    const perRow = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1)); // [B]
    if (!options.classWeights) return tf.mean(perRow) as tf.Scalar;
    if (options.classWeights.length !== k) throw new Error(`crossEntropyLoss: ${options.classWeights.length} class weights for ${k} classes`);
    // PyTorch's weighted mean: Σ w_y · loss / Σ w_y.
    const w = tf.sum(tf.mul(oneHot, tf.tensor1d(options.classWeights as number[])), -1); // [B]
    return tf.div(tf.sum(tf.mul(w, perRow)), tf.sum(w)) as tf.Scalar;
  });
}

/**
 * Numerically stable binary cross-entropy from logits (multi-label emotions), averaged over all entries:
 * `max(x, 0) − x·y + log(1 + e^{−|x|})`.
 * @param logits [B, K] @param targets [B, K] in {0, 1}
 */
export function binaryCrossEntropyLoss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const x = logits;
    const y = tf.cast(targets, 'float32');
    return tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))) as tf.Scalar;
  });
}
