import * as tf from '@tensorflow/tfjs-core';

/**
 * The Gaussian (RBF) kernel between two sets of rows, k(a, b) = exp(−γ ‖a − b‖²), computed on the
 * tensor backend as ‖a‖² + ‖b‖² − 2 a·bᵀ (one matMul), clamped at 0 against rounding.
 * @param a [N, D]
 * @param b [M, D]
 * @param gamma γ > 0
 * @returns [N, M]
 */
export function rbfKernel(a: tf.Tensor2D, b: tf.Tensor2D, gamma: number): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[1]) throw new Error(`rbfKernel: expected [N, D] and [M, D] with the same D, got [${a.shape}] and [${b.shape}]`);
  if (!(gamma > 0) || !Number.isFinite(gamma)) throw new Error(`rbfKernel: gamma must be a positive number, got ${gamma}`);
  return tf.tidy(() => {
    const aa = tf.sum(tf.square(a), 1, true); // [N, 1]
    const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]); // [1, M]
    const d2 = tf.relu(tf.sub(tf.add(aa, bb), tf.mul(tf.matMul(a, b, false, true), 2))); // [N, M]
    return tf.exp(tf.mul(d2, -gamma)) as tf.Tensor2D;
  });
}
