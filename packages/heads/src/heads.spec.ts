import * as tf from '@tensorflow/tfjs-core';
import { AdamW, download, initBackend, onBackend, readAndDispose, specBackend } from '@mer/backend';
import { seedInitializers } from '@mer/attention-fusion';
import { binaryCrossEntropyLoss, ClassificationHead, crossEntropyLoss, PolarVaHead, VaRegressionHead, vaMseLoss } from './index';

/** One scalar, read asynchronously (every backend). */
const scalar = async (t: tf.Tensor) => (await readAndDispose(t))[0];

describe('heads', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('PolarVaHead converts (I, θ) to (v, a) = (I cos θ, I sin θ) with I ≥ 0', async () => {
    const head = new PolarVaHead({ inputDim: 2, hidden: [], intensityActivation: 'none' });
    // Identity last layer: I = x0, θ = x1.
    head.setWeights([tf.tensor2d([[1, 0], [0, 1]]), tf.zeros([2])]);
    const out = tf.tidy(() => head.predict(tf.tensor3d([[[0.5, Math.PI / 2], [1, 0]]])));
    expect(out.valence.shape).toEqual([1, 2]);
    tf.dispose([out.intensity, out.angle]);
    expect(Array.from(await readAndDispose(out.valence))).toEqual([expect.closeTo(0, 6), expect.closeTo(1, 6)]);
    expect(Array.from(await readAndDispose(out.arousal))).toEqual([expect.closeTo(0.5, 6), expect.closeTo(0, 6)]);
    head.dispose();
    const soft = new PolarVaHead({ inputDim: 8 });
    const intensity = tf.tidy(() => soft.predict(tf.randomNormal([3, 5, 8], 0, 3, 'float32', 1)).intensity);
    expect(Array.from(await readAndDispose(intensity)).every((i) => i >= 0)).toBe(true);
    tf.tidy(() => {
      const pooled = new PolarVaHead({ inputDim: 8, pooling: 'mean' });
      expect((pooled.apply(tf.ones([3, 5, 8]), { mask: tf.ones([3, 5]) }) as tf.Tensor).shape).toEqual([3, 2]);
      pooled.dispose();
    });
    expect(soft.parameterCount()).toBe(8 * 512 + 512 + 512 * 256 + 256 + 256 * 2 + 2);
    soft.dispose();
  });

  it('VaRegressionHead (LN → Linear → GELU → Dropout → Linear) learns a target with AdamW; tanh clamps', async () => {
    // Seeded initial weights: unseeded, 100 steps landed on either side of the 10× bound now and then.
    seedInitializers(3);
    const head = new VaRegressionHead({ inputDim: 6, hidden: 16, dropout: 0 });
    seedInitializers(null);
    const x = tf.randomNormal([4, 10, 6], 0, 1, 'float32', 2);
    const y = tf.tidy(() => tf.tanh(tf.slice(x, [0, 0, 0], [4, 10, 2])));
    const opt = new AdamW({ learningRate: 1e-2 });
    const loss = () => vaMseLoss(head.apply(x, { training: true }) as tf.Tensor, y);
    const first = await scalar(tf.tidy(loss));
    for (let i = 0; i < 100; i++) tf.dispose(opt.minimize(loss, true, head.variables()) ?? []);
    const last = await scalar(tf.tidy(loss));
    expect(last).toBeLessThan(first * 0.1);
    const typed = head.predict(x);
    expect(typed.valence.shape).toEqual([4, 10]);
    tf.dispose([x, y, typed.valence, typed.arousal]);
    opt.dispose();
    head.dispose();
    const clamped = new VaRegressionHead({ inputDim: 3, tanh: true });
    const out = await readAndDispose(tf.tidy(() => clamped.apply(tf.mul(tf.randomNormal([2, 3, 3]), 100)) as tf.Tensor));
    expect(Array.from(out).every((v) => v >= -1 && v <= 1)).toBe(true);
    clamped.dispose();
  });

  it('vaMseLoss is MAVEN eq. 32 over labelled frames only', async () => {
    const loss = tf.tidy(() => {
      const pred = tf.tensor3d([[[0.1, 0.2], [0.5, 0.5], [0.9, 0.9]]]);
      const target = tf.tensor3d([[[0.0, 0.0], [0.5, 1.0], [-5, -5]]]);
      return vaMseLoss(pred, target);
    });
    // ((0.1² + 0.2²) + (0² + 0.5²)) / 2 frames = (0.05 + 0.25) / 2 = 0.15
    expect(await scalar(loss)).toBeCloseTo(0.15, 6);
  });

  it('cross-entropy and BCE match hand-computed values; stable for large logits', async () => {
    const logits = tf.tensor2d([[2, 1, 0], [0, 0, 0]]);
    const labels = tf.tensor1d([0, 2], 'int32');
    const lse = Math.log(Math.exp(2) + Math.exp(1) + 1);
    const expected = ((lse - 2) + Math.log(3)) / 2;
    expect(await scalar(crossEntropyLoss(logits, labels))).toBeCloseTo(expected, 5);
    // Class weights as PyTorch's `weight`: Σ w_y · loss / Σ w_y.
    const weighted = (1 * (lse - 2) + 3 * Math.log(3)) / (1 + 3);
    expect(await scalar(crossEntropyLoss(logits, labels, { classWeights: [1, 2, 3] }))).toBeCloseTo(weighted, 5);
    expect(() => tf.tidy(() => crossEntropyLoss(logits, labels, { classWeights: [1, 2] }))).toThrow('2 class weights for 3 classes');
    const bce = await scalar(tf.tidy(() => binaryCrossEntropyLoss(tf.tensor2d([[0, 100, -100]]), tf.tensor2d([[1, 1, 0]]))));
    expect(bce).toBeCloseTo(Math.log(2) / 3, 5);
    expect(Number.isFinite(await scalar(tf.tidy(() => binaryCrossEntropyLoss(tf.tensor2d([[1e4]]), tf.tensor2d([[0]])))))).toBe(true);
    expect(() => tf.tidy(() => crossEntropyLoss(logits, tf.tensor1d([0], 'int32')))).toThrow(/1 labels for 2 rows/);
    tf.dispose([logits, labels]);
  });

  it('ClassificationHead: softmax or sigmoid outputs, trains, config round trip, same on cpu', async () => {
    const head = new ClassificationHead({ inputDim: 4, numClasses: 3, hidden: 8 });
    const x = tf.randomNormal([12, 4], 0, 1, 'float32', 3);
    const labels = tf.tensor1d(Array.from({ length: 12 }, (_, i) => i % 3), 'int32');
    const opt = tf.train.adam(0.05);
    const loss = () => crossEntropyLoss(head.apply(x) as tf.Tensor, labels);
    const first = await scalar(tf.tidy(loss));
    for (let i = 0; i < 50; i++) tf.dispose(opt.minimize(loss, true, head.variables()) ?? []);
    expect(await scalar(tf.tidy(loss))).toBeLessThan(first * 0.5);
    const probs = await readAndDispose(tf.tidy(() => tf.sum(head.predict(x).probabilities, -1)));
    probs.forEach((p) => expect(p).toBeCloseTo(1, 5));
    const got = await readAndDispose(tf.tidy(() => head.apply(x) as tf.Tensor));
    await download([x, ...head.weights.map((w) => w.read())]); // so that they can move to cpu
    const cpu = await onBackend('cpu', () => tf.tidy(() => (head.apply(x) as tf.Tensor).dataSync().slice()));
    cpu.forEach((v, i) => expect(v).toBeCloseTo(got[i], 4));
    const copy = ClassificationHead.fromConfig(ClassificationHead, head.getConfig()) as ClassificationHead;
    expect(copy.args).toEqual(head.args);
    const multi = new ClassificationHead({ inputDim: 4, numClasses: 6, multiLabel: true });
    const p = await readAndDispose(tf.tidy(() => multi.predict(x).probabilities));
    expect(Array.from(p).every((v) => v > 0 && v < 1)).toBe(true);
    tf.dispose([x, labels]);
    opt.dispose();
    [head, copy, multi].forEach((h) => h.dispose());
  });
});
