import * as tf from '@tensorflow/tfjs-core';
import { hasFusedLayerNorm, MER_LAYER_NORM, MER_LAYER_NORM_GRAD } from './kernels/layer-norm-wasm';

/**
 * LayerNorm over the last axis: `(x − μ) / √(σ² + ε) · γ + β`, μ and σ² the mean and (biased)
 * variance of each row, as PyTorch's `nn.LayerNorm`. On wasm with mer's kernels, the forward pass
 * and the whole backward pass (dx, dγ, dβ) are one kernel each — the op-built version is ~10
 * kernels forward and ~20 backward, and on small networks the per-kernel overhead is the cost.
 * Elsewhere it is built from tfjs ops.
 *
 * @param x [..., D] float32
 * @param gamma [D]
 * @param beta [D]
 * @returns [..., D]
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon = 1e-5): tf.Tensor {
  // Checked here, not only in the wasm kernel, so that every backend refuses the same way.
  const d = x.shape[x.shape.length - 1];
  for (const p of [gamma, beta]) if (p.shape.length !== 1 || p.shape[0] !== d) throw new Error(`layerNorm: parameter [${p.shape}] does not match the last axis of [${x.shape}]`);
  if (!hasFusedLayerNorm() || x.dtype !== 'float32') {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
      return tf.add(tf.mul(normed, gamma), beta);
    });
  }
  const fused = tf.customGrad((...args: unknown[]) => {
    const [xs, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, rstd] = tf.engine().runKernel(MER_LAYER_NORM, { x: xs, gamma: g, beta: b }, { epsilon } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
    save([xs, g, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg, smean, srstd] = saved;
        return tf.engine().runKernel(MER_LAYER_NORM_GRAD, { x: sx, gamma: sg, dy: dy as tf.Tensor, mean: smean, rstd: srstd }, {}) as unknown as tf.Tensor[];
      },
    };
  });
  return fused(x, gamma, beta);
}
