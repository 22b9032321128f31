import * as tf from '@tensorflow/tfjs-core';
import { download, initBackend, onBackend, readAndDispose, specBackend } from '@mer/backend';
import fx from './fixtures/additive-attention.json';
import { AdditiveAttention, BeitEncoder, BeitEncoderLayer, overfit } from './index';
import { maxAbsDiff, maxAbsDiffs, setWeightsFromArrays } from './testing';

interface Case {
  weights: unknown[];
  x: number[][][];
  key_mask: number[][];
  R: number[][][];
  out: unknown;
  grad_x: unknown;
  grad_weights: unknown[];
}

/** Largest differences from the reference: output, input gradient, and each weight's gradient. */
async function against(layer: AdditiveAttention | BeitEncoderLayer, c: Case): Promise<{ out: number; gradX: number; gradWeights: number[] }> {
  setWeightsFromArrays(layer, c.weights);
  const tensors = tf.tidy(() => {
    const x = tf.tensor(c.x);
    const keyMask = tf.tensor(c.key_mask);
    const R = tf.tensor(c.R);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { keyMask }) as tf.Tensor, R)) as tf.Scalar;
    const vars = layer.variables();
    const { grads } = tf.variableGrads(() => f(x), vars);
    return [layer.apply(x, { keyMask }) as tf.Tensor, tf.grad(f)(x), ...vars.map((v) => grads[v.name])];
  });
  const [out, gradX, ...gradWeights] = await maxAbsDiffs(tensors, [c.out, c.grad_x, ...c.grad_weights]);
  return { out, gradX, gradWeights };
}

// Fixture: tools/reference/additive_attention_reference.py (PyTorch, float64, the whole T×T×Da tensor).
describe('AdditiveAttention (MAVEN eq. 21–24)', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('matches the PyTorch reference with a key mask: output, input and weight gradients ≤ 1e-4', async () => {
    const layer = new AdditiveAttention({ dim: fx.dim, attentionDim: fx.attention_dim });
    const d = await against(layer, fx.attention as Case);
    expect(d.out).toBeLessThan(1e-4);
    expect(d.gradX).toBeLessThan(1e-4);
    expect(d.gradWeights).toHaveLength(4); // W_d, W'_d, b_d, v_d
    d.gradWeights.forEach((g) => expect(g).toBeLessThan(1e-4));
    layer.dispose();
  });

  it('inside the encoder layer (pre-LN, layer-scale, GELU MLP): output, input and weight gradients ≤ 1e-4', async () => {
    const layer = new BeitEncoderLayer({ dim: fx.dim, numHeads: 1, attention: 'additive' });
    const d = await against(layer, fx.encoder_layer as Case);
    expect(d.out).toBeLessThan(1e-4);
    expect(d.gradX).toBeLessThan(1e-4);
    expect(d.gradWeights).toHaveLength(14); // γ1, fc1 (2), fc2 (2), γ2, LN1 (2), W_d, W'_d, b_d, v_d, LN2 (2)
    d.gradWeights.forEach((g) => expect(g).toBeLessThan(1e-4));
    layer.dispose();
  });

  it('layer checklist: batch 1 and 3, no NaN, padded keys ignored, config round trip, no leak, same on cpu', async () => {
    const layer = new AdditiveAttention({ dim: 8, attentionDim: 4 });
    const start = tf.memory().numTensors;
    const x3 = tf.randomNormal([3, 5, 8], 0, 1, 'float32', 3);
    const out1 = await readAndDispose(tf.tidy(() => layer.apply(tf.slice(x3, [0, 0, 0], [1, 5, 8])) as tf.Tensor));
    const out3 = tf.tidy(() => layer.apply(x3) as tf.Tensor);
    expect(out3.shape).toEqual([3, 5, 8]);
    expect(layer.computeOutputShape([3, 5, 8])).toEqual([3, 5, 8]);
    const out3Values = await out3.data();
    expect(Array.from(out3Values).every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(out1, out3Values.slice(0, 40))).toBeLessThan(1e-6); // batch rows independent
    // Whatever the padded frames hold, the real frames' outputs are the same.
    const [ya, yb] = tf.tidy(() => {
      const keyMask = tf.tensor2d([[1, 1, 1, 0, 0]]);
      const a = tf.slice(x3, [0, 0, 0], [1, 5, 8]);
      const b = tf.concat([tf.slice(a, [0, 0, 0], [1, 3, 8]), tf.fill([1, 2, 8], 100)], 1);
      return [tf.slice(layer.apply(a, { keyMask }) as tf.Tensor, [0, 0, 0], [1, 3, 8]), tf.slice(layer.apply(b, { keyMask }) as tf.Tensor, [0, 0, 0], [1, 3, 8])];
    });
    expect(maxAbsDiff(await readAndDispose(ya), await readAndDispose(yb))).toBeLessThan(1e-6);
    const config = layer.getConfig();
    expect(config).toMatchObject({ dim: 8, attentionDim: 4, dropout: 0 });
    const copy = AdditiveAttention.fromConfig(AdditiveAttention, config) as AdditiveAttention;
    expect(copy.getConfig()).toEqual(config);
    expect(copy.parameterCount()).toBe(2 * 8 * 4 + 2 * 4);
    copy.dispose();
    await download([x3, ...layer.weights.map((w) => w.read())]); // so that they can move to cpu
    const onCpu = await onBackend('cpu', () => tf.tidy(() => (layer.apply(x3) as tf.Tensor).dataSync().slice()));
    expect(maxAbsDiff(onCpu, out3Values)).toBeLessThan(1e-5);
    tf.dispose([out3, x3]);
    expect(tf.memory().numTensors).toBe(start);
    layer.dispose();
  });

  it('an additive encoder stack trains (one step lowers the loss, then it keeps falling); no leaks; parameter count', async () => {
    const enc = new BeitEncoder({ dim: 16, numHeads: 4, depth: 2, attention: 'additive' });
    expect(enc.getConfig()).toMatchObject({ attention: 'additive', depth: 2 });
    const x = tf.randomNormal([2, 6, 16], 0, 1, 'float32', 1);
    const y = tf.randomNormal([2, 6, 16], 0, 1, 'float32', 2);
    const start = tf.memory().numTensors;
    const opt = tf.train.adam(1e-3);
    const loss = () => tf.mean(tf.square(tf.sub(enc.apply(x, { training: true }) as tf.Tensor, y))) as tf.Scalar;
    const value = async () => (await readAndDispose(tf.tidy(() => loss())))[0];
    const before = await value();
    tf.dispose(opt.minimize(loss, true, enc.variables()) ?? []);
    const afterOne = await value();
    expect(afterOne).toBeLessThan(before);
    const { last } = await overfit(loss, opt, enc.variables(), { maxSteps: 10, targetRatio: 0.9 });
    expect(last).toBeLessThan(afterOne);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(start);
    // Per layer: γ1, γ2, fc1, fc2, two LayerNorms, and W_d, W'_d, b_d, v_d; then the final LayerNorm.
    expect(enc.parameterCount()).toBe(2 * (2 * 16 + 16 * 64 + 64 + 64 * 16 + 16 + 4 * 16 + 2 * 16 * 16 + 2 * 16) + 2 * 16);
    tf.dispose([x, y]);
    enc.dispose();
  });

  it('the encoder layer refuses an unknown attention kind, naming it', () => {
    expect(() => new BeitEncoderLayer({ dim: 8, numHeads: 2, attention: 'dot' as never, name: 'enc0' })).toThrow(/enc0: attention 'dot' is not one of 'beit-dot', 'additive'/);
  });
});
