import * as tf from '@tensorflow/tfjs-core';
import { download, initBackend, onBackend, readAndDispose, specBackend } from '@mer/backend';
import fixture from './fixtures/multi-head-attention.json';
import { MultiHeadAttention } from './index';
import { maxAbsDiff, maxAbsDiffs, setWeightsFromArrays } from './testing';

const W = fixture.weights;

function build(): MultiHeadAttention {
  const mha = new MultiHeadAttention({ dim: fixture.dim, numHeads: fixture.heads });
  setWeightsFromArrays(mha, [W.wq, W.wk, W.wv, W.wo, W.bq, W.bk, W.bv, W.bo]);
  return mha;
}

describe('MultiHeadAttention', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('matches torch.nn.MultiheadAttention with a key-padding mask: forward and gradients ≤ 1e-4', async () => {
    const mha = build();
    const tensors = tf.tidy(() => {
      const q = tf.tensor(fixture.q);
      const kv = tf.tensor(fixture.kv);
      const mask = tf.tensor(fixture.key_mask);
      const R = tf.tensor(fixture.R);
      const out = mha.apply([q, kv, kv], { keyMask: mask }) as tf.Tensor;
      const vars = mha.variables();
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(mha.apply([q, kv, kv], { keyMask: mask }) as tf.Tensor, R)) as tf.Scalar, vars);
      const byName = (n: string) => grads[vars[['wq', 'wk', 'wv', 'wo'].indexOf(n)].name];
      const [gq, gkv] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(mha.apply([a, b, b], { keyMask: mask }) as tf.Tensor, R)) as tf.Scalar)([q, kv]);
      return [out, byName('wq'), byName('wk'), byName('wv'), byName('wo'), gq, gkv];
    });
    expect(tensors[0].shape).toEqual([2, 4, 8]);
    const g = fixture.grads;
    const diffs = await maxAbsDiffs(tensors, [fixture.out, g.wq, g.wk, g.wv, g.wo, g.q, g.kv]);
    diffs.forEach((d) => expect(d).toBeLessThan(1e-4));
    mha.dispose();
  });

  it('padded keys get no attention: changing them changes nothing', async () => {
    const mha = build();
    const [a, b] = tf.tidy(() => {
      const q = tf.tensor(fixture.q);
      const kv = tf.tensor(fixture.kv);
      const mask = tf.tensor(fixture.key_mask);
      const noisy = tf.add(kv, tf.mul(tf.sub(1, tf.expandDims(mask, -1)), 100));
      return [mha.apply([q, kv, kv], { keyMask: mask }) as tf.Tensor, mha.apply([q, noisy, noisy], { keyMask: mask }) as tf.Tensor];
    });
    expect(maxAbsDiff(await readAndDispose(a), await readAndDispose(b))).toBeLessThan(1e-5);
    mha.dispose();
  });

  it('layer checklist: batch 1, no NaN, config round trip, no leak, same on cpu', async () => {
    const mha = build();
    const start = tf.memory().numTensors;
    const out1 = await readAndDispose(tf.tidy(() => mha.apply(tf.ones([1, 3, 8])) as tf.Tensor));
    expect(out1.length).toBe(24);
    expect(Array.from(out1).every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(start);
    const config = mha.getConfig();
    const copy = MultiHeadAttention.fromConfig(MultiHeadAttention, config) as MultiHeadAttention;
    expect(copy.getConfig()).toEqual(config);
    await download(mha.weights.map((w) => w.read())); // so that they can move to cpu
    const onCpu = await onBackend('cpu', () => tf.tidy(() => (mha.apply(tf.ones([1, 3, 8])) as tf.Tensor).dataSync().slice()));
    expect(maxAbsDiff(onCpu, out1)).toBeLessThan(1e-5);
    mha.dispose();
  });
});
