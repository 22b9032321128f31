import * as tf from '@tensorflow/tfjs-core';
import { initBackend, specBackend } from '@mer/backend';
import fx from './fixtures/beit-encoder-layer.json';
import { BeitEncoder, BeitEncoderLayer, overfit } from './index';
import { maxAbsDiffs, setWeightsFromArrays } from './testing';

const W = fx.weights;

function build(): BeitEncoderLayer {
  const layer = new BeitEncoderLayer({ dim: fx.dim, numHeads: fx.heads, maxRelativePosition: fx.max_len });
  // mer order: own weights (relative bias, γ1, fc1, fc2, γ2), then norm1, attention, norm2.
  setWeightsFromArrays(layer, [
    W.rel_bias, W.gamma1, W.fc1_kernel, W.fc1_bias, W.fc2_kernel, W.fc2_bias, W.gamma2,
    W.ln1_gamma, W.ln1_beta,
    W.wq, W.wk, W.wv, W.wo, W.bq, W.bk, W.bv, W.bo,
    W.ln2_gamma, W.ln2_beta,
  ]);
  return layer;
}

describe('BeitEncoderLayer', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('matches the PyTorch reference (relative position bias, layer-scale, masks): forward and gradients ≤ 1e-4', async () => {
    const layer = build();
    const tensors = tf.tidy(() => {
      const x = tf.tensor(fx.x);
      const mask = tf.tensor(fx.key_mask);
      const R = tf.tensor(fx.R);
      const out = layer.apply(x, { keyMask: mask }) as tf.Tensor;
      const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { keyMask: mask }) as tf.Tensor, R)) as tf.Scalar)(x);
      const vars = layer.variables();
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { keyMask: mask }) as tf.Tensor, R)) as tf.Scalar, vars);
      return [out, gx, grads[vars[0].name], grads[vars[9].name]];
    });
    // The relative-bias gradient flows through gather (UnsortedSegmentSum on wasm, from @mer/backend).
    const diffs = await maxAbsDiffs(tensors, [fx.out, fx.grad_x, fx.grad_rel_bias, fx.grad_wq]);
    diffs.forEach((d) => expect(d).toBeLessThan(1e-4));
    layer.dispose();
  });

  it('a stack trains (the loss falls on a fixed batch); batch 1; no leaks; parameter count', async () => {
    const enc = new BeitEncoder({ dim: 16, numHeads: 4, depth: 2, maxRelativePosition: 16 });
    const x = tf.randomNormal([1, 6, 16], 0, 1, 'float32', 1);
    const y = tf.randomNormal([1, 6, 16], 0, 1, 'float32', 2);
    const start = tf.memory().numTensors;
    const opt = tf.train.adam(1e-3);
    const loss = () => tf.mean(tf.square(tf.sub(enc.apply(x) as tf.Tensor, y))) as tf.Scalar;
    const { first, last } = await overfit(loss, opt, enc.variables(), { maxSteps: 10, targetRatio: 0.98 });
    expect(last).toBeLessThan(first);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(enc.parameterCount()).toBe(2 * (2 * 31 * 4 / 2 + 16 * 4 + 4 * 16 * 16 + 4 * 16 + 16 * 64 + 64 + 64 * 16 + 16 + 2 * 16) + 2 * 16);
    tf.dispose([x, y]);
    enc.dispose();
  });
});
