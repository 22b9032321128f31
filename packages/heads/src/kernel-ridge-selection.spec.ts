import * as tf from '@tensorflow/tfjs-core';
import { initBackend, specBackend } from '@mer/backend';
import { selectKernelRidge } from './index';
import reference from './fixtures/kernel-ridge-reference.json';

// Leave-one-group-out UARs of scikit-learn's KernelRidge per setting (tools/reference/kernel_ridge_reference.py).
const ref = reference as unknown as {
  x: number[];
  labels: number[];
  groups: string[];
  dim: number;
  numClasses: number;
  scaleGamma: number;
  selection: { grid: { gammaScales: number[]; lambdas: number[] }; scores: { gammaScale: number; lambda: number; score: number; perGroup: number[] }[] };
};

describe('selectKernelRidge', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it("scores every setting by leave-one-group-out UAR as scikit-learn does, and keeps the best", async () => {
    const before = tf.memory().numTensors;
    const s = await selectKernelRidge({ x: Float32Array.from(ref.x), dim: ref.dim, labels: ref.labels, groups: ref.groups, numClasses: ref.numClasses }, { grid: ref.selection.grid });
    expect(tf.memory().numTensors).toBe(before);
    expect(s.groups).toEqual(['s0', 's1', 's2', 's3']);
    expect(s.scores.map((r) => [r.gammaScale, r.lambda])).toEqual(ref.selection.scores.map((r) => [r.gammaScale, r.lambda]));
    s.scores.forEach((r, i) => {
      expect(r.gamma).toBeCloseTo(r.gammaScale * ref.scaleGamma, 8);
      expect(r.perGroup).toEqual(ref.selection.scores[i].perGroup.map((v) => expect.closeTo(v, 9)));
      expect(r.score).toBeCloseTo(ref.selection.scores[i].score, 9);
    });
    const top = Math.max(...ref.selection.scores.map((r) => r.score));
    expect(s.best.score).toBeCloseTo(top, 9);
    expect(s.selectedBy).toContain('leave-one-group-out over the 4 groups given (s0, s1, s2, s3)');
  });

  it('refuses a single group and rows that do not fit', async () => {
    await expect(selectKernelRidge({ x: new Float32Array(4), dim: 2, labels: [0, 1], groups: ['a', 'a'], numClasses: 2 })).rejects.toThrow('at least 2 groups');
    await expect(selectKernelRidge({ x: new Float32Array(5), dim: 2, labels: [0, 1], groups: ['a', 'b'], numClasses: 2 })).rejects.toThrow('do not describe the same [N, 2] rows');
  });
});
