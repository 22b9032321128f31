import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readAndDispose, specBackend } from '@mer/backend';
import { KernelRidgeHead } from './index';
import reference from './fixtures/kernel-ridge-reference.json';

const ref = reference as unknown as { x: number[]; labels: number[]; groups: string[]; dim: number; numClasses: number; test: number[]; balanced: { decision: number[] }; selection: { grid: { gammaScales: number[]; lambdas: number[] }; scores: { score: number }[] } };

describe('KernelRidgeHead', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('predicts zeros before its fit; fitted without groups it is the scikit-learn KernelRidge of gamma scale, λ 0.3', async () => {
    const before = tf.memory().numTensors;
    const head = new KernelRidgeHead({ inputDim: ref.dim, numClasses: ref.numClasses });
    const x = tf.tensor2d(ref.x, [ref.labels.length, ref.dim]);
    const test = tf.tensor2d(ref.test, [ref.test.length / ref.dim, ref.dim]);
    expect(head.fitted).toBe(false);
    expect(Array.from(await readAndDispose(head.predict(test).logits)).every((v) => v === 0)).toBe(true);
    const fit = await head.fit(x, ref.labels, null);
    expect(fit.innerScore).toBeUndefined();
    expect(fit.note).toContain('nothing was selected');
    const out = head.apply(test) as tf.Tensor;
    expect(out.shape).toEqual([ref.test.length / ref.dim, ref.numClasses]);
    Array.from(await readAndDispose(out)).forEach((v, i) => expect(Math.abs(v - ref.balanced.decision[i])).toBeLessThan(1e-3));
    const first = tf.slice(test, [0, 0], [1, ref.dim]) as tf.Tensor2D;
    const one = head.predict(first).logits;
    first.dispose();
    expect(one.shape).toEqual([1, ref.numClasses]);
    expect(Array.from(await readAndDispose(one)).every(Number.isFinite)).toBe(true);
    tf.dispose([x, test]);
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with groups it selects γ, λ by leave-one-group-out; its config and state round-trip', async () => {
    const before = tf.memory().numTensors;
    const head = new KernelRidgeHead({ inputDim: ref.dim, numClasses: ref.numClasses, grid: ref.selection.grid });
    const x = tf.tensor2d(ref.x, [ref.labels.length, ref.dim]);
    const fit = await head.fit(x, ref.labels, ref.groups);
    expect(fit.innerScore).toBeCloseTo(Math.max(...ref.selection.scores.map((s) => s.score)), 9);
    const config = head.getConfig();
    expect(config).toMatchObject({ inputDim: ref.dim, numClasses: 3, classBalance: true, grid: ref.selection.grid });
    const copy = new KernelRidgeHead({ inputDim: ref.dim, numClasses: ref.numClasses, grid: ref.selection.grid });
    copy.restore(await head.state());
    expect(Array.from(await readAndDispose(copy.predict(x).logits))).toEqual(Array.from(await readAndDispose(head.predict(x).logits)));
    expect(() => tf.tidy(() => head.predict(tf.zeros([2, ref.dim + 1]) as tf.Tensor2D).logits)).toThrow(`expected [B, ${ref.dim}]`);
    x.dispose();
    head.dispose();
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
