import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend, numericalGradient, onBackend, relativeError } from '@mer/backend';
import { cccLoss, concordanceCorrelation, concordanceCorrelationTensor, labelMask, maskedMse, meanSquaredError, pearsonCorrelation, pearsonCorrelationTensor } from './index';

describe('tensor CCC / CCC loss', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('per-dimension CCC pooled over the batch equals the array form, with −5 frames masked', () => {
    const r = createRng(5);
    const [b, t] = [3, 7];
    const pred = Array.from({ length: b * t * 2 }, () => r.normal() * 0.4);
    const targ = pred.map((p) => p * 0.7 + r.normal() * 0.2);
    targ[4] = -5; // frame 2, valence
    targ[5] = -5; // frame 2, arousal
    targ[20] = -5;
    targ[21] = -5;
    tf.tidy(() => {
      const p = tf.tensor(pred, [b, t, 2]);
      const y = tf.tensor(targ, [b, t, 2]);
      const mask = labelMask(y);
      expect(mask.shape).toEqual([b, t]);
      const ccc = concordanceCorrelationTensor(p, y, mask).dataSync();
      const pcc = pearsonCorrelationTensor(p, y, mask).dataSync();
      for (const d of [0, 1]) {
        const pd = pred.filter((_, i) => i % 2 === d);
        const yd = targ.filter((_, i) => i % 2 === d);
        expect(ccc[d]).toBeCloseTo(concordanceCorrelation(pd, yd), 5);
        expect(pcc[d]).toBeCloseTo(pearsonCorrelation(pd, yd), 5);
      }
      const loss = cccLoss(p, y, mask).dataSync()[0];
      expect(loss).toBeCloseTo(1 - (ccc[0] + ccc[1]) / 2, 6);
      const mse = maskedMse(p, y, mask).dataSync()[0];
      expect(mse).toBeCloseTo(meanSquaredError(pred, targ), 5);
    });
  });

  it('never produces NaN: NaN targets under the mask, and an all-masked batch', () => {
    tf.tidy(() => {
      const p = tf.tensor([[0.1, 0.2], [0.3, 0.4]]);
      const y = tf.tensor([[NaN, NaN], [0.5, 0.1]]);
      const mask = labelMask(y);
      expect(Array.from(mask.dataSync())).toEqual([0, 1]);
      expect(Number.isFinite(cccLoss(p, y, mask).dataSync()[0])).toBe(true);
      expect(cccLoss(p, y, tf.zeros([2])).dataSync()[0]).toBe(1);
      const g = tf.grad((x: tf.Tensor) => cccLoss(x, y, mask))(p).dataSync();
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
    });
  });

  it('gradient on wasm matches cpu finite differences', async () => {
    const r = createRng(6);
    const pred = Float32Array.from({ length: 2 * 6 * 2 }, () => r.normal() * 0.5);
    const targ = Float32Array.from({ length: 2 * 6 * 2 }, () => r.normal() * 0.5);
    const maskVals = [1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1];
    const loss = (x: tf.Tensor) => cccLoss(x, tf.tensor(targ, [2, 6, 2]), tf.tensor(maskVals, [2, 6]));
    const g = await onBackend('wasm', () => tf.tidy(() => tf.grad(loss)(tf.tensor(pred, [2, 6, 2])).dataSync().slice()));
    const n = await onBackend('cpu', () => tf.tidy(() => numericalGradient(loss, tf.tensor(pred, [2, 6, 2]), 1e-2).dataSync().slice()));
    expect(relativeError(g, n)).toBeLessThan(1e-2);
  });

  it('training a linear map with the CCC loss raises CCC; memory stays flat', () => {
    const r = createRng(7);
    const x = tf.tensor(Array.from({ length: 64 * 4 }, () => r.normal()), [64, 4]);
    const y = tf.tidy(() => tf.tanh(tf.matMul(x, tf.tensor([[0.5, -0.2], [0.1, 0.4], [-0.3, 0.2], [0.2, 0.1]]))));
    const w = tf.variable(tf.fill([4, 2], 0.01));
    const before = tf.memory().numTensors;
    const opt = tf.train.adam(0.05);
    const loss = () => cccLoss(tf.matMul(x, w), y);
    const first = tf.tidy(() => loss().dataSync()[0]);
    for (let i = 0; i < 50; i++) tf.dispose(opt.minimize(loss, true) ?? []);
    const last = tf.tidy(() => loss().dataSync()[0]);
    expect(last).toBeLessThan(first * 0.3);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, w]);
  });

  it('rejects mismatched shapes with both shapes in the message', () => {
    expect(() => cccLoss(tf.zeros([2, 3, 2]), tf.zeros([2, 3, 1]))).toThrow(/prediction shape \[2,3,2\] does not match target shape \[2,3,1\]/);
  });
});
