import * as tf from '@tensorflow/tfjs-core';
import { createRng, onBackend, relativeError } from './index';

/**
 * One pre-LN multi-head self-attention block with a key-padding mask, written with plain tfjs ops
 * (matMul, softmax, moments, erf-GELU, gather for a learned position table): everything the
 * fusion models backpropagate through.
 * @param x [B, T, D]
 */
function attentionLoss(p: tf.Tensor[], x: tf.Tensor, mask: tf.Tensor, heads: number): tf.Scalar {
  const [wq, wk, wv, wo, w1, w2, gamma, pos] = p;
  const [b, t, d] = x.shape;
  const dh = d / heads;
  const posIds = tf.tensor1d(Array.from({ length: t }, (_, i) => i), 'int32');
  const h0 = tf.add(x, tf.gather(pos, posIds)); // [B, T, D]
  const { mean, variance } = tf.moments(h0, -1, true);
  const ln = tf.mul(tf.div(tf.sub(h0, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma);
  const split = (w: tf.Tensor) =>
    tf.transpose(tf.reshape(tf.matMul(tf.reshape(ln, [b * t, d]), w), [b, t, heads, dh]), [0, 2, 1, 3]); // [B, H, T, Dh]
  const q = split(wq);
  const k = split(wk);
  const v = split(wv);
  const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)); // [B, H, T, T]
  const bias = tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [b, 1, 1, t]);
  const attn = tf.softmax(tf.add(scores, bias));
  const ctx = tf.reshape(tf.transpose(tf.matMul(attn, v), [0, 2, 1, 3]), [b * t, d]); // [B·T, D]
  const h1 = tf.add(tf.reshape(tf.matMul(ctx, wo), [b, t, d]), h0);
  const u = tf.matMul(tf.reshape(h1, [b * t, d]), w1);
  const gelu = tf.mul(tf.mul(u, 0.5), tf.add(1, tf.erf(tf.div(u, Math.SQRT2))));
  const out = tf.add(tf.reshape(tf.matMul(gelu, w2), [b, t, d]), h1);
  return tf.mean(tf.square(out));
}

describe('attention ops train on wasm', () => {
  it('gradients of every parameter equal the cpu backend', async () => {
    const [b, t, d, heads] = [2, 5, 8, 2];
    const r = createRng(41);
    const shapes = [[d, d], [d, d], [d, d], [d, d], [d, 2 * d], [2 * d, d], [d], [t, d]];
    const values = shapes.map((s) => Float32Array.from({ length: s.reduce((a, c) => a * c, 1) }, () => r.normal() * 0.3));
    const xs = Float32Array.from({ length: b * t * d }, () => r.normal());
    const maskVals = [1, 1, 1, 1, 0, 1, 1, 1, 0, 0];
    const grads = (backend: 'cpu' | 'wasm') =>
      onBackend(backend, () =>
        tf.tidy(() => {
          const x = tf.tensor(xs, [b, t, d]);
          const mask = tf.tensor(maskVals, [b, t]);
          const f = tf.grads((...p: tf.Tensor[]) => attentionLoss(p, x, mask, heads));
          return f(values.map((v, i) => tf.tensor(v, shapes[i]))).map((g) => g.dataSync().slice());
        }),
      );
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    cpu.forEach((ref, i) => expect(relativeError(wasm[i], ref)).toBeLessThan(1e-3));
    // The masked positions receive exactly zero attention, so the loss ignores their keys.
    expect(cpu.every((g) => g.every(Number.isFinite))).toBe(true);
  });
});
