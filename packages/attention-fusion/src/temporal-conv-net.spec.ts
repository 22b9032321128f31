import * as tf from '@tensorflow/tfjs-core';
import { download, initBackend, onBackend, readAndDispose, specBackend } from '@mer/backend';
import fx from './fixtures/temporal-conv-net.json';
import { MultiScaleTcn, TemporalConvNet } from './index';
import { maxAbsDiff, maxAbsDiffs, setWeightsFromArrays } from './testing';

describe('TemporalConvNet', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  for (const mode of ['causal', 'noncausal'] as const) {
    it(`${mode}: matches the PyTorch weight-normed dilated TCN, forward and gradients ≤ 1e-4 (on ${specBackend()})`, async () => {
      const f = fx[mode];
      const tcn = new TemporalConvNet({ inputDim: fx.in, channels: fx.channels, kernelSize: fx.kernel, dilations: fx.dilations, causal: mode === 'causal', dropout: 0 });
      setWeightsFromArrays(tcn, f.weights);
      const tensors = tf.tidy(() => {
        const x = tf.tensor(f.x);
        const R = tf.tensor(f.R);
        const out = tcn.apply(x) as tf.Tensor;
        const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tcn.apply(v) as tf.Tensor, R)) as tf.Scalar)(x);
        const vars = tcn.variables();
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tcn.apply(x) as tf.Tensor, R)) as tf.Scalar, vars);
        return [out, gx, grads[vars[0].name], grads[vars[1].name]];
      });
      expect(tensors[0].shape).toEqual([2, 20, 4]);
      const diffs = await maxAbsDiffs(tensors, [f.out, f.grad_x, f.grad_v0, f.grad_g0]);
      diffs.forEach((d) => expect(d).toBeLessThan(1e-4));
      tcn.dispose();
    });
  }

  it('causal outputs never see the future', async () => {
    const tcn = new TemporalConvNet({ inputDim: 2, channels: 3, kernelSize: 3, dilations: [1, 2], causal: true, dropout: 0 });
    const [a, b] = tf.tidy(() => {
      const x = tf.randomNormal([1, 12, 2], 0, 1, 'float32', 3);
      const changed = tf.concat([tf.slice(x, [0, 0, 0], [1, 8, 2]), tf.fill([1, 4, 2], 9)], 1);
      return [tcn.apply(x) as tf.Tensor, tcn.apply(changed) as tf.Tensor];
    });
    // The first 8 frames ([1, 8, 3]) are the same whatever follows them.
    expect(maxAbsDiff((await readAndDispose(a)).slice(0, 8 * 3), (await readAndDispose(b)).slice(0, 8 * 3))).toBe(0);
    expect(tcn.receptiveField).toBe(1 + 2 * 2 * 3);
    tcn.dispose();
  });

  it(`MultiScaleTcn (k = 3, 5, 7) concatenates scales, trains on ${specBackend()}, equals cpu`, async () => {
    const ms = new MultiScaleTcn({ inputDim: 4, channels: 8, dilations: [1, 2, 4, 8], dropout: 0 });
    expect(ms.outputDim).toBe(24);
    const x = tf.randomNormal([2, 30, 4], 0, 1, 'float32', 4);
    const y = tf.randomNormal([2, 30, 24], 0, 1, 'float32', 5);
    const out = await readAndDispose(tf.tidy(() => ms.apply(x) as tf.Tensor));
    await download([x, ...ms.weights.map((w) => w.read())]); // so that they can move to cpu
    const cpu = await onBackend('cpu', () => tf.tidy(() => (ms.apply(x) as tf.Tensor).dataSync().slice()));
    expect(maxAbsDiff(out, cpu)).toBeLessThan(1e-4);
    const opt = tf.train.adam(0.01);
    const loss = () => tf.mean(tf.square(tf.sub(ms.apply(x, { training: true }) as tf.Tensor, y))) as tf.Scalar;
    const value = async () => (await readAndDispose(tf.tidy(() => loss())))[0];
    const first = await value();
    for (let i = 0; i < 30; i++) tf.dispose(opt.minimize(loss, true, ms.variables()) ?? []);
    expect(await value()).toBeLessThan(first * 0.8);
    opt.dispose();
    tf.dispose([x, y]);
    ms.dispose();
  });
});
