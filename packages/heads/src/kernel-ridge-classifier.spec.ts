import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readAndDispose, specBackend } from '@mer/backend';
import { choleskySolve, KernelRidgeClassifier, rbfKernel, scaleGamma } from './index';
import reference from './fixtures/kernel-ridge-reference.json';

// scikit-learn's KernelRidge on a fixed 4-group, 3-class, imbalanced set (tools/reference/kernel_ridge_reference.py).
const ref = reference as unknown as {
  x: number[];
  labels: number[];
  dim: number;
  numClasses: number;
  test: number[];
  scaleGamma: number;
  balanced: { gamma: number; lambda: number; decision: number[] };
  unweighted: { gamma: number; lambda: number; decision: number[] };
};
const rows = (v: number[], dim: number) => tf.tensor2d(v, [v.length / dim, dim]);

describe('KernelRidgeClassifier', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('rbfKernel is exp(−γ‖a − b‖²): 1 on the diagonal, the closed form off it', async () => {
    const k = rbfKernel(tf.tensor2d([[0, 0], [3, 4]]), tf.tensor2d([[0, 0], [3, 4], [1, 0]]), 0.1);
    expect(k.shape).toEqual([2, 3]);
    const v = Array.from(await readAndDispose(k));
    expect(v).toEqual([1, Math.exp(-2.5), Math.exp(-0.1), Math.exp(-2.5), 1, Math.exp(-2)].map((e) => expect.closeTo(e, 6)));
    expect(() => tf.tidy(() => rbfKernel(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D, 1))).toThrow('same D');
  });

  it('choleskySolve solves an SPD system in float64 and refuses one that is not positive definite', () => {
    // A = [[4, 2], [2, 3]], X = [[1, -1], [2, 0.5]] → B = A X.
    const x = choleskySolve(Float64Array.of(4, 2, 2, 3), 2, Float64Array.of(8, -3, 8, -0.5), 2);
    expect(Array.from(x)).toEqual([1, -1, 2, 0.5].map((v) => expect.closeTo(v, 12)));
    expect(() => choleskySolve(Float64Array.of(1, 2, 2, 1), 2, Float64Array.of(1, 1), 1)).toThrow('not positive definite (pivot 1 of 2');
  });

  it("matches scikit-learn's KernelRidge decisions (balanced and unweighted, to 1e-3)", async () => {
    const before = tf.memory().numTensors;
    const x = rows(ref.x, ref.dim);
    const test = rows(ref.test, ref.dim);
    for (const [setting, classBalance] of [[ref.balanced, true], [ref.unweighted, false]] as const) {
      const model = await KernelRidgeClassifier.fit(x, ref.labels, { numClasses: ref.numClasses, gamma: setting.gamma, lambda: setting.lambda, classBalance });
      expect(model.size).toBe(ref.labels.length);
      const out = model.predict(test);
      expect(out.logits.shape).toEqual([ref.test.length / ref.dim, ref.numClasses]);
      const got = Array.from(await readAndDispose(out.logits));
      got.forEach((v, i) => expect(Math.abs(v - setting.decision[i])).toBeLessThan(1e-3));
      model.dispose();
    }
    tf.dispose([x, test]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("resolves gamma 'scale' as scikit-learn does and round-trips through state()/restore()", async () => {
    expect(scaleGamma(Float32Array.from(ref.x), ref.dim)).toBeCloseTo(ref.scaleGamma, 8);
    const before = tf.memory().numTensors;
    const x = rows(ref.x, ref.dim);
    const model = await KernelRidgeClassifier.fit(x, ref.labels, { numClasses: ref.numClasses, lambda: ref.balanced.lambda });
    expect(model.config).toEqual({ gamma: expect.closeTo(ref.scaleGamma, 8), lambda: 0.3, classBalance: true, numClasses: 3, dim: ref.dim });
    const test = rows(ref.test, ref.dim);
    const a = Array.from(await readAndDispose(model.predict(test).logits));
    // gamma 'scale' is the fixture's balanced setting: the same decisions.
    a.forEach((v, i) => expect(Math.abs(v - ref.balanced.decision[i])).toBeLessThan(1e-3));
    const state = await model.state();
    const again = KernelRidgeClassifier.restore(JSON.parse(JSON.stringify({ ...state, support: Array.from(state.support), dual: Array.from(state.dual) }), (k, v) => (k === 'support' || k === 'dual' ? Float32Array.from(v as number[]) : v)));
    expect(Array.from(await readAndDispose(again.predict(test).logits))).toEqual(a);
    expect(() => tf.tidy(() => again.predict(tf.zeros([1, ref.dim + 1]) as tf.Tensor2D).logits)).toThrow(`expected [B, ${ref.dim}]`);
    tf.dispose([x, test]);
    model.dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('separates well-separated classes (batch 1 and > 1), with few items of one class', async () => {
    // Three blobs 6 apart in 3-D, 20 / 20 / 4 items: class balancing keeps the small one.
    const centre = (c: number) => [0, 1, 2].map((d) => (d === c ? 6 : 0));
    const jitter = (i: number, d: number) => Math.sin(i * 12.9898 + d * 78.233) * 0.8;
    const x: number[] = [];
    const y: number[] = [];
    [20, 20, 4].forEach((n, c) => {
      for (let i = 0; i < n; i++) {
        x.push(...centre(c).map((v, d) => v + jitter(i + 50 * c, d)));
        y.push(c);
      }
    });
    const train = rows(x, 3);
    const model = await KernelRidgeClassifier.fit(train, y, { numClasses: 3, gamma: 0.1, lambda: 0.1 });
    const test = tf.tensor2d([centre(0), centre(1), centre(2)].map((r) => r.map((v) => v + 0.3)));
    const logits = model.predict(test).logits;
    expect(Array.from(await readAndDispose(tf.argMax(logits, 1)))).toEqual([0, 1, 2]);
    logits.dispose();
    const one = model.predict(tf.tidy(() => tf.slice(test, [2, 0], [1, 3]))).logits;
    expect(one.shape).toEqual([1, 3]);
    const v = Array.from(await readAndDispose(one));
    expect(v.every(Number.isFinite)).toBe(true);
    expect(v.indexOf(Math.max(...v))).toBe(2);
    tf.dispose([train, test]);
    model.dispose();
  });
});
