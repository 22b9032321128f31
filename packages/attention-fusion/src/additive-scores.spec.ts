import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readAndDispose, specBackend } from '@mer/backend';
import { additiveScores } from './index';
import { maxAbsDiff } from './testing';

/** The whole [B, Tq, Tk, Da] tensor at once, differentiated by tfjs' own tape: what the op must equal. */
const direct = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(tf.tanh(tf.add(tf.expandDims(q, 2), tf.expandDims(k, 1))), v), -1);

describe('additiveScores', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('chunked (1, 2 or all query rows a chunk) equals the direct computation: values and gradients of q, k, v', async () => {
    const q = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 1);
    const k = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 2);
    const v = tf.randomNormal([3], 0, 1, 'float32', 3);
    const R = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 4);
    const start = tf.memory().numTensors;
    const loss = (f: (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), R));
    const read = (ts: tf.Tensor[]) => Promise.all(ts.map(readAndDispose));
    const want = await read(tf.tidy(() => [direct(q, k, v), ...tf.grads(loss(direct))([q, k, v])]));
    for (const chunkElements of [2 * 4 * 3, 2 * 2 * 4 * 3, 1e9]) {
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => additiveScores(a, b, c, chunkElements);
      const got = await read(tf.tidy(() => [f(q, k, v), ...tf.grads(loss(f))([q, k, v])]));
      expect(tf.tidy(() => f(q, k, v).shape)).toEqual([2, 5, 4]);
      got.forEach((g, i) => expect(maxAbsDiff(g, want[i])).toBeLessThan(1e-5));
    }
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([q, k, v, R]);
  });

  it('says which shapes disagree', () => {
    tf.tidy(() => {
      expect(() => additiveScores(tf.zeros([2, 5, 3]), tf.zeros([2, 4, 6]), tf.zeros([3]))).toThrow(/q \[2,5,3\], k \[2,4,6\] and v \[3\] do not fit \[B, Tq, Da\], \[B, Tk, Da\], \[Da\]/);
    });
  });
});
