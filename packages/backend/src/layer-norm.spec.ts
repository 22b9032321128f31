import * as tf from '@tensorflow/tfjs-core';
import { createRng, layerNorm, onBackend, readAndDispose, relativeError, specBackend } from './index';
import { hasFusedLayerNorm } from './kernels/layer-norm-wasm';

/** The backend under test (wasm: the fused kernels; webgpu in the webgpu CI leg: tfjs ops), checked against cpu. */
const B = specBackend();

describe('layerNorm', () => {
  for (const shape of [[3, 7, 10], [5, 64], [2, 1, 3]]) {
    it(`[${shape}]: ${B === 'wasm' ? 'fused wasm' : B} forward and gradients (dx, dγ, dβ) equal the op-built version on cpu`, async () => {
      const r = createRng(11);
      const d = shape[shape.length - 1];
      const size = shape.reduce((a, b) => a * b, 1);
      const x = Float32Array.from({ length: size }, () => r.normal() * 3 + 1);
      const g = Float32Array.from({ length: d }, () => 1 + r.normal() * 0.3);
      const b = Float32Array.from({ length: d }, () => r.normal());
      const w = Float32Array.from({ length: size }, () => r.normal());
      const run = async () => {
        const [y, ...grads] = tf.tidy(() => {
          const [X, G, Bt, W] = [tf.tensor(x, shape), tf.tensor1d(g), tf.tensor1d(b), tf.tensor(w, shape)];
          const out = layerNorm(X, G, Bt, 1e-5);
          return [out, ...tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, c, e, 1e-5), W)))([X, G, Bt])];
        });
        return { fused: hasFusedLayerNorm(), y: await readAndDispose(y), grads: await Promise.all(grads.map(readAndDispose)) };
      };
      const cpu = await onBackend('cpu', run);
      const got = await onBackend(B, run);
      expect([cpu.fused, got.fused]).toEqual([false, B === 'wasm']);
      expect(relativeError(got.y, cpu.y)).toBeLessThan(1e-5);
      got.grads.forEach((gr, i) => expect(relativeError(gr, cpu.grads[i])).toBeLessThan(1e-5));
    });
  }

  it(`keeps memory flat across ${B === 'wasm' ? 'fused ' : ''}training steps`, async () => {
    await onBackend(B, () => {
      const x = tf.randomNormal([4, 9]);
      const g = tf.variable(tf.ones([9]));
      const b = tf.variable(tf.zeros([9]));
      const grads = () => {
        const r = tf.variableGrads(() => tf.sum(tf.square(layerNorm(x, g, b))) as tf.Scalar, [g, b]);
        tf.dispose([r.value, ...Object.values(r.grads)]);
      };
      grads();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) grads();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, g, b]);
    });
  });

  it('refuses parameters that do not match the last axis', async () => {
    await onBackend(B, () => {
      expect(() => layerNorm(tf.zeros([2, 5]), tf.ones([4]), tf.zeros([4]))).toThrow(/does not match the last axis/);
    });
  });
});
