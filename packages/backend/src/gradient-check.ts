import * as tf from '@tensorflow/tfjs-core';
import { BackendName, getBackendInfo, initBackend } from './backend-selection';

/**
 * Runs `fn` with `name` as the active backend and switches back afterwards. For tests and
 * benchmarks that compare backends; pipelines pick one backend with {@link initBackend}.
 */
export async function onBackend<T>(name: BackendName, fn: () => T | Promise<T>): Promise<T> {
  const previous = getBackendInfo()?.name;
  await initBackend({ backend: name, checkSingleCore: false });
  try {
    return await fn();
  } finally {
    if (previous !== undefined && previous !== name) await initBackend({ backend: previous, checkSingleCore: false });
  }
}

/**
 * Central-difference gradient of a scalar function, one element at a time: `(f(x+εe_i) − f(x−εe_i)) / 2ε`.
 * Exact up to rounding for functions linear in x (convolutions, gathers against a fixed upstream
 * gradient), which is how the gradient fills are checked. Accumulates in float64.
 *
 * @param x any shape, float32
 * @returns same shape as x
 */
export function numericalGradient(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, eps = 1e-2): tf.Tensor {
  const base = x.dataSync().slice() as Float32Array;
  const grad = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const orig = base[i];
    const evalAt = (v: number): number => {
      base[i] = v;
      return tf.tidy(() => f(tf.tensor(base, x.shape, 'float32')).dataSync()[0]);
    };
    const plus = evalAt(orig + eps);
    const minus = evalAt(orig - eps);
    base[i] = orig;
    grad[i] = (plus - minus) / (2 * eps);
  }
  return tf.tensor(grad, x.shape, 'float32');
}

/** max|a − b| / max|b| (b the reference); 0 when both are all zeros. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths differ (${a.length} vs ${b.length})`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}
