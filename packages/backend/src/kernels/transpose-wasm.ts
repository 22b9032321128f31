import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-kernel-registry';
import { asAxisSwap, heapOffset, merKernelsFor, WasmBackendLike } from './wasm/mer-kernels-module';

/**
 * tfjs-backend-wasm's Transpose walks the output element by element (measured here: a 1024×768
 * transpose 8.9 ms, ~90 M elements/s). Every permutation that exchanges two neighbouring blocks of
 * axes — matrix transposes, attention's head split/merge [B, T, H, D] ↔ [B, H, T, D] — runs instead
 * in mer's SIMD kernel (4×4 register transposes in cache tiles, or block copies); other
 * permutations and dtypes stay with the stock kernel.
 *
 * @param x any shape, float32 or int32
 * @returns x with its axes permuted by `perm`, or undefined when the fast path does not apply
 */
export function transposeFast(backend: unknown, x: tf.TensorInfo, perm: number[]): tf.TensorInfo | undefined {
  const kernels = merKernelsFor(backend);
  if (kernels === undefined || (x.dtype !== 'float32' && x.dtype !== 'int32')) return undefined;
  const size = tf.util.sizeFromShape(x.shape);
  const swap = size > 0 ? asAxisSwap(x.shape, perm) : undefined;
  if (swap === undefined) return undefined;
  const out = (backend as WasmBackendLike).makeOutput(
    perm.map((axis) => x.shape[axis]),
    x.dtype,
  );
  kernels.swapAxes(heapOffset(backend, x), heapOffset(backend, out), swap.outer, swap.p, swap.q, swap.inner);
  return out;
}

/** [..., m, n] → [..., n, m], fast path first. */
export function transposeLastTwo(backend: unknown, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  const fast = transposeFast(backend, x, perm);
  if (fast !== undefined) return fast;
  const stock = tf.getKernel('Transpose', 'wasm');
  if (stock === undefined) throw new Error('wasm backend has no Transpose kernel');
  return stock.kernelFunc({ inputs: { x }, backend: backend as tf.KernelBackend, attrs: { perm } as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
}

/** Routes wasm Transpose through {@link transposeFast} where it applies. Idempotent. */
export function installWasmTranspose(): void {
  overrideWasmKernel('Transpose', (stock) => (args) => transposeFast(args.backend, args.inputs['x'] as tf.TensorInfo, (args.attrs as unknown as { perm: number[] }).perm) ?? stock(args));
}
