import * as tf from '@tensorflow/tfjs-core';
import { initBackend, onBackend } from '@mer/backend';
import fixture from './fixtures/multi-head-attention.json';
import { MultiHeadAttention } from './index';
import { flat, maxAbsDiff, setWeightsFromArrays } from './testing';

const W = fixture.weights;

function build(): MultiHeadAttention {
  const mha = new MultiHeadAttention({ dim: fixture.dim, numHeads: fixture.heads });
  setWeightsFromArrays(mha, [W.wq, W.wk, W.wv, W.wo, W.bq, W.bk, W.bv, W.bo]);
  return mha;
}

describe('MultiHeadAttention', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('matches torch.nn.MultiheadAttention with a key-padding mask: forward and gradients ≤ 1e-4', () => {
    const mha = build();
    tf.tidy(() => {
      const q = tf.tensor(fixture.q);
      const kv = tf.tensor(fixture.kv);
      const mask = tf.tensor(fixture.key_mask);
      const R = tf.tensor(fixture.R);
      const out = mha.apply([q, kv, kv], { keyMask: mask }) as tf.Tensor;
      expect(out.shape).toEqual([2, 4, 8]);
      expect(maxAbsDiff(out.dataSync(), flat(fixture.out))).toBeLessThan(1e-4);
      const vars = mha.variables();
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(mha.apply([q, kv, kv], { keyMask: mask }) as tf.Tensor, R)) as tf.Scalar, vars);
      const byName = (n: string) => grads[vars[['wq', 'wk', 'wv', 'wo'].indexOf(n)].name].dataSync();
      expect(maxAbsDiff(byName('wq'), flat(fixture.grads.wq))).toBeLessThan(1e-4);
      expect(maxAbsDiff(byName('wk'), flat(fixture.grads.wk))).toBeLessThan(1e-4);
      expect(maxAbsDiff(byName('wv'), flat(fixture.grads.wv))).toBeLessThan(1e-4);
      expect(maxAbsDiff(byName('wo'), flat(fixture.grads.wo))).toBeLessThan(1e-4);
      const [gq, gkv] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(mha.apply([a, b, b], { keyMask: mask }) as tf.Tensor, R)) as tf.Scalar)([q, kv]);
      expect(maxAbsDiff(gq.dataSync(), flat(fixture.grads.q))).toBeLessThan(1e-4);
      expect(maxAbsDiff(gkv.dataSync(), flat(fixture.grads.kv))).toBeLessThan(1e-4);
    });
    mha.dispose();
  });

  it('padded keys get no attention: changing them changes nothing', () => {
    const mha = build();
    tf.tidy(() => {
      const q = tf.tensor(fixture.q);
      const kv = tf.tensor(fixture.kv);
      const mask = tf.tensor(fixture.key_mask);
      const noisy = tf.add(kv, tf.mul(tf.sub(1, tf.expandDims(mask, -1)), 100));
      const a = mha.apply([q, kv, kv], { keyMask: mask }) as tf.Tensor;
      const b = mha.apply([q, noisy, noisy], { keyMask: mask }) as tf.Tensor;
      expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
    });
    mha.dispose();
  });

  it('layer checklist: batch 1, no NaN, config round trip, no leak, same on cpu', async () => {
    const mha = build();
    const start = tf.memory().numTensors;
    const out1 = tf.tidy(() => (mha.apply(tf.ones([1, 3, 8])) as tf.Tensor).dataSync().slice());
    expect(out1.length).toBe(24);
    expect(Array.from(out1).every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(start);
    const config = mha.getConfig();
    const copy = MultiHeadAttention.fromConfig(MultiHeadAttention, config) as MultiHeadAttention;
    expect(copy.getConfig()).toEqual(config);
    const onCpu = await onBackend('cpu', () => tf.tidy(() => (mha.apply(tf.ones([1, 3, 8])) as tf.Tensor).dataSync().slice()));
    expect(maxAbsDiff(onCpu, out1)).toBeLessThan(1e-5);
    mha.dispose();
  });
});
