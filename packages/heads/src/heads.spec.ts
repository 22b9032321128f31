import * as tf from '@tensorflow/tfjs-core';
import { AdamW, initBackend, onBackend } from '@mer/backend';
import { seedInitializers } from '@mer/attention-fusion';
import { binaryCrossEntropyLoss, ClassificationHead, crossEntropyLoss, PolarVaHead, VaRegressionHead, vaMseLoss } from './index';

describe('heads', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('PolarVaHead converts (I, θ) to (v, a) = (I cos θ, I sin θ) with I ≥ 0', () => {
    const head = new PolarVaHead({ inputDim: 2, hidden: [], intensityActivation: 'none' });
    // Identity last layer: I = x0, θ = x1.
    head.setWeights([tf.tensor2d([[1, 0], [0, 1]]), tf.zeros([2])]);
    tf.tidy(() => {
      const out = head.predict(tf.tensor3d([[[0.5, Math.PI / 2], [1, 0]]]));
      expect(out.valence.shape).toEqual([1, 2]);
      expect(Array.from(out.valence.dataSync())).toEqual([expect.closeTo(0, 6), expect.closeTo(1, 6)]);
      expect(Array.from(out.arousal.dataSync())).toEqual([expect.closeTo(0.5, 6), expect.closeTo(0, 6)]);
    });
    head.dispose();
    const soft = new PolarVaHead({ inputDim: 8 });
    tf.tidy(() => {
      const out = soft.predict(tf.randomNormal([3, 5, 8], 0, 3, 'float32', 1));
      expect(Array.from(out.intensity.dataSync()).every((i) => i >= 0)).toBe(true);
      const pooled = new PolarVaHead({ inputDim: 8, pooling: 'mean' });
      expect((pooled.apply(tf.ones([3, 5, 8]), { mask: tf.ones([3, 5]) }) as tf.Tensor).shape).toEqual([3, 2]);
      pooled.dispose();
    });
    expect(soft.parameterCount()).toBe(8 * 512 + 512 + 512 * 256 + 256 + 256 * 2 + 2);
    soft.dispose();
  });

  it('VaRegressionHead (LN → Linear → GELU → Dropout → Linear) learns a target with AdamW; tanh clamps', () => {
    // Seeded initial weights: unseeded, 100 steps landed on either side of the 10× bound now and then.
    seedInitializers(3);
    const head = new VaRegressionHead({ inputDim: 6, hidden: 16, dropout: 0 });
    seedInitializers(null);
    const x = tf.randomNormal([4, 10, 6], 0, 1, 'float32', 2);
    const y = tf.tidy(() => tf.tanh(tf.slice(x, [0, 0, 0], [4, 10, 2])));
    const opt = new AdamW({ learningRate: 1e-2 });
    const loss = () => vaMseLoss(head.apply(x, { training: true }) as tf.Tensor, y);
    const first = tf.tidy(() => loss().dataSync()[0]);
    for (let i = 0; i < 100; i++) tf.dispose(opt.minimize(loss, true, head.variables()) ?? []);
    const last = tf.tidy(() => loss().dataSync()[0]);
    expect(last).toBeLessThan(first * 0.1);
    const typed = head.predict(x);
    expect(typed.valence.shape).toEqual([4, 10]);
    tf.dispose([x, y, typed.valence, typed.arousal]);
    opt.dispose();
    head.dispose();
    const clamped = new VaRegressionHead({ inputDim: 3, tanh: true });
    tf.tidy(() => {
      const out = (clamped.apply(tf.mul(tf.randomNormal([2, 3, 3]), 100)) as tf.Tensor).dataSync();
      expect(Array.from(out).every((v) => v >= -1 && v <= 1)).toBe(true);
    });
    clamped.dispose();
  });

  it('vaMseLoss is MAVEN eq. 32 over labelled frames only', () => {
    tf.tidy(() => {
      const pred = tf.tensor3d([[[0.1, 0.2], [0.5, 0.5], [0.9, 0.9]]]);
      const target = tf.tensor3d([[[0.0, 0.0], [0.5, 1.0], [-5, -5]]]);
      // ((0.1² + 0.2²) + (0² + 0.5²)) / 2 frames = (0.05 + 0.25) / 2 = 0.15
      expect(vaMseLoss(pred, target).dataSync()[0]).toBeCloseTo(0.15, 6);
    });
  });

  it('cross-entropy and BCE match hand-computed values; stable for large logits', () => {
    tf.tidy(() => {
      const logits = tf.tensor2d([[2, 1, 0], [0, 0, 0]]);
      const labels = tf.tensor1d([0, 2], 'int32');
      const lse = Math.log(Math.exp(2) + Math.exp(1) + 1);
      const expected = ((lse - 2) + Math.log(3)) / 2;
      expect(crossEntropyLoss(logits, labels).dataSync()[0]).toBeCloseTo(expected, 5);
      // Class weights as PyTorch's `weight`: Σ w_y · loss / Σ w_y.
      const weighted = (1 * (lse - 2) + 3 * Math.log(3)) / (1 + 3);
      expect(crossEntropyLoss(logits, labels, { classWeights: [1, 2, 3] }).dataSync()[0]).toBeCloseTo(weighted, 5);
      expect(() => crossEntropyLoss(logits, labels, { classWeights: [1, 2] })).toThrow('2 class weights for 3 classes');
      const bce = binaryCrossEntropyLoss(tf.tensor2d([[0, 100, -100]]), tf.tensor2d([[1, 1, 0]])).dataSync()[0];
      expect(bce).toBeCloseTo(Math.log(2) / 3, 5);
      expect(Number.isFinite(binaryCrossEntropyLoss(tf.tensor2d([[1e4]]), tf.tensor2d([[0]])).dataSync()[0])).toBe(true);
      expect(() => crossEntropyLoss(logits, tf.tensor1d([0], 'int32'))).toThrow(/1 labels for 2 rows/);
    });
  });

  it('ClassificationHead: softmax or sigmoid outputs, trains, config round trip, same on cpu', async () => {
    const head = new ClassificationHead({ inputDim: 4, numClasses: 3, hidden: 8 });
    const x = tf.randomNormal([12, 4], 0, 1, 'float32', 3);
    const labels = tf.tensor1d(Array.from({ length: 12 }, (_, i) => i % 3), 'int32');
    const opt = tf.train.adam(0.05);
    const loss = () => crossEntropyLoss(head.apply(x) as tf.Tensor, labels);
    const first = tf.tidy(() => loss().dataSync()[0]);
    for (let i = 0; i < 50; i++) tf.dispose(opt.minimize(loss, true, head.variables()) ?? []);
    expect(tf.tidy(() => loss().dataSync()[0])).toBeLessThan(first * 0.5);
    const probs = tf.tidy(() => tf.sum(head.predict(x).probabilities, -1).dataSync().slice());
    probs.forEach((p) => expect(p).toBeCloseTo(1, 5));
    const wasm = tf.tidy(() => (head.apply(x) as tf.Tensor).dataSync().slice());
    const cpu = await onBackend('cpu', () => tf.tidy(() => (head.apply(x) as tf.Tensor).dataSync().slice()));
    cpu.forEach((v, i) => expect(v).toBeCloseTo(wasm[i], 4));
    const copy = ClassificationHead.fromConfig(ClassificationHead, head.getConfig()) as ClassificationHead;
    expect(copy.args).toEqual(head.args);
    const multi = new ClassificationHead({ inputDim: 4, numClasses: 6, multiLabel: true });
    tf.tidy(() => {
      const p = multi.predict(x).probabilities.dataSync();
      expect(Array.from(p).every((v) => v > 0 && v < 1)).toBe(true);
    });
    tf.dispose([x, labels]);
    opt.dispose();
    [head, copy, multi].forEach((h) => h.dispose());
  });
});
