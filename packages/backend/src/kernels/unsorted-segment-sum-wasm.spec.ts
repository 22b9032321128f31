import * as tf from '@tensorflow/tfjs-core';
import { createRng, numericalGradient, onBackend, relativeError } from '../index';

describe('UnsortedSegmentSum on wasm (gather gradient)', () => {
  it('forward equals the cpu kernel, dropping out-of-range ids', async () => {
    const xs = Float32Array.from({ length: 6 * 3 }, (_, i) => i * 0.5 - 2);
    const ids = [2, 0, 2, 5, 1, 0]; // 5 is out of range for 4 segments
    const run = (b: 'cpu' | 'wasm') =>
      onBackend(b, () =>
        tf.tidy(() => tf.unsortedSegmentSum(tf.tensor(xs, [6, 3]), tf.tensor1d(ids, 'int32'), 4).dataSync().slice()),
      );
    const wasm = await run('wasm');
    expect(Array.from(wasm)).toEqual(Array.from(await run('cpu')));
    // Segment 3 receives nothing.
    expect(Array.from(wasm.slice(9, 12))).toEqual([0, 0, 0]);
  });

  for (const axis of [0, 1]) {
    it(`gather (axis ${axis}, repeated indices) trains on wasm: gradient matches cpu finite differences`, async () => {
      const r = createRng(21 + axis);
      const params = Float32Array.from({ length: 5 * 4 }, () => r.normal());
      const indices = axis === 0 ? [3, 1, 3, 0, 3] : [2, 2, 0];
      const outShape = axis === 0 ? [5, 4] : [5, 3];
      const up = Float32Array.from({ length: outShape[0] * outShape[1] }, () => r.normal());
      const loss = (p: tf.Tensor) =>
        tf.sum(tf.mul(tf.gather(p, tf.tensor1d(indices, 'int32'), axis), tf.tensor(up, outShape))) as tf.Scalar;
      const g = await onBackend('wasm', () => tf.tidy(() => tf.grad(loss)(tf.tensor(params, [5, 4])).dataSync().slice()));
      const n = await onBackend('cpu', () =>
        tf.tidy(() => numericalGradient(loss, tf.tensor(params, [5, 4]), 0.5).dataSync().slice()),
      );
      expect(relativeError(g, n)).toBeLessThan(1e-3);
    });
  }
});
