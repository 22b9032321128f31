import * as tf from '@tensorflow/tfjs-core';

export type PoolingMode = 'mean' | 'max';

/**
 * Masked pooling over time: frames with mask 0 (padding, no face) are ignored; an all-masked
 * sequence pools to zeros, never NaN or −∞.
 * @param x [B, T, D]
 * @param mask [B, T] (default all ones)
 * @returns [B, D]
 */
export function temporalPool(x: tf.Tensor, mode: PoolingMode = 'mean', mask?: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    if (!mask) return (mode === 'mean' ? tf.mean(x, 1) : tf.max(x, 1)) as tf.Tensor2D;
    const m = tf.expandDims(tf.cast(mask, 'float32'), -1); // [B, T, 1]
    const count = tf.sum(m, 1); // [B, 1]
    if (mode === 'mean') return tf.div(tf.sum(tf.mul(x, m), 1), tf.maximum(count, 1)) as tf.Tensor2D;
    const masked = tf.add(x, tf.mul(tf.sub(1, m), -1e9));
    return tf.where(tf.greater(count, 0), tf.max(masked, 1), tf.zerosLike(tf.max(masked, 1))) as tf.Tensor2D;
  });
}
