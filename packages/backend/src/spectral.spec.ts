import * as tf from '@tensorflow/tfjs-core';
import { createRng, numericalGradient, onBackend, powerSpectrum, relativeError, rfft } from './index';

describe('rfft (DFT as matMul)', () => {
  it('matches tf.spectral.rfft on the cpu backend, incl. padding and cropping', async () => {
    const r = createRng(31);
    const sig = Float32Array.from({ length: 3 * 20 }, () => r.normal());
    for (const n of [20, 32, 16, 7]) {
      const ref = await onBackend('cpu', () =>
        tf.tidy(() => {
          const c = tf.spectral.rfft(tf.tensor(sig, [3, 20]), n);
          return [tf.real(c).dataSync().slice(), tf.imag(c).dataSync().slice()];
        }),
      );
      const got = await onBackend('wasm', () =>
        tf.tidy(() => {
          const { real, imag } = rfft(tf.tensor(sig, [3, 20]), n);
          expect(real.shape).toEqual([3, Math.floor(n / 2) + 1]);
          return [real.dataSync().slice(), imag.dataSync().slice()];
        }),
      );
      expect(relativeError(got[0], ref[0])).toBeLessThan(1e-4);
      expect(relativeError(got[1], ref[1])).toBeLessThan(1e-4);
    }
  });

  it('is differentiable on wasm: power-spectrum gradient matches cpu finite differences', async () => {
    const r = createRng(32);
    const sig = Float32Array.from({ length: 2 * 12 }, () => r.normal());
    const w = Float32Array.from({ length: 2 * 7 }, () => r.next());
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(powerSpectrum(x), tf.tensor(w, [2, 7]))) as tf.Scalar;
    const g = await onBackend('wasm', () => tf.tidy(() => tf.grad(loss)(tf.tensor(sig, [2, 12])).dataSync().slice()));
    const n = await onBackend('cpu', () => tf.tidy(() => numericalGradient(loss, tf.tensor(sig, [2, 12]), 1e-2).dataSync().slice()));
    expect(relativeError(g, n)).toBeLessThan(1e-3);
  });

  it('a pure tone peaks in its bin', async () => {
    await onBackend('wasm', () =>
      tf.tidy(() => {
        const n = 64;
        const tone = tf.tensor1d(Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 5 * t) / n)));
        const p = Array.from(powerSpectrum(tone).dataSync());
        expect(p.indexOf(Math.max(...p))).toBe(5);
      }),
    );
  });
});
