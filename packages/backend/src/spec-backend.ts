import * as tf from '@tensorflow/tfjs-core';

/** The backends mer's numeric specs run on: wasm in `npm test`, webgpu in the CI's webgpu leg. */
export type SpecBackend = 'wasm' | 'webgpu';

/**
 * The backend a numeric spec runs on: webgpu when `MER_BACKEND=webgpu` (tools/ci/webgpu-leg.sh),
 * else wasm. Specs call `initBackend({ backend: specBackend() })` instead of naming wasm, and read
 * tensors with `await t.data()`: webgpu cannot read a tensor synchronously before it was downloaded.
 */
export function specBackend(env: Record<string, string | undefined> = process.env): SpecBackend {
  return env['MER_BACKEND']?.trim() === 'webgpu' ? 'webgpu' : 'wasm';
}

/** Reads `t` asynchronously (every backend), then disposes it: for `await readAndDispose(tf.tidy(...))`. */
export async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return Float32Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

/**
 * Downloads each tensor once, so that it can be read synchronously afterwards and moved to another
 * backend (tfjs moves a tensor between backends with a synchronous read), as `onBackend('cpu', …)`
 * does with a layer's weights.
 */
export async function download(tensors: readonly tf.Tensor[]): Promise<void> {
  await Promise.all(tensors.map((t) => t.data()));
}
