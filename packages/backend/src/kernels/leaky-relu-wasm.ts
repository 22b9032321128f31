import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel, registerWasmKernel, runsOnActiveBackend } from './wasm-kernel-registry';
import { heapOffset, merKernelsFor, requireMerKernels, WasmBackendLike } from './wasm/mer-kernels-module';

/** Kernel name of the one-pass LeakyReLU gradient (wasm with mer's kernels only). */
export const MER_LEAKY_RELU_GRAD = 'MerLeakyReluGrad';

/**
 * LeakyReLU on wasm: tfjs-wasm's kernel ran at ~170 M elements/s here and its gradient is three
 * kernels (greater, mul, where): together ~10 % of a TCN-fusion training step. mer's SIMD kernels do
 * each in one pass, with the same float32 results.
 */
const leakyRelu = (stock: tf.KernelFunc): tf.KernelFunc => (args) => {
  const x = args.inputs['x'] as tf.TensorInfo;
  const kernels = merKernelsFor(args.backend);
  if (kernels === undefined || x.dtype !== 'float32') return stock(args);
  const out = (args.backend as unknown as WasmBackendLike).makeOutput(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  if (n > 0) kernels.leakyRelu(heapOffset(args.backend, x), heapOffset(args.backend, out), n, (args.attrs as unknown as { alpha: number }).alpha);
  return out;
};

const leakyReluGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const dy = inputs['dy'] as tf.TensorInfo;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || !tf.util.arraysEqual(x.shape, dy.shape)) {
    throw new Error(`${MER_LEAKY_RELU_GRAD}: float32 x and dy of one shape expected, got ${x.dtype} [${x.shape}] and ${dy.dtype} [${dy.shape}]`);
  }
  const out = (backend as unknown as WasmBackendLike).makeOutput(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  if (n > 0) requireMerKernels(backend).leakyReluGrad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, out), n, (attrs as unknown as { alpha: number }).alpha);
  return out;
};

/**
 * LeakyRelu's gradient: the one-pass kernel where it runs, else tfjs' own formula
 * `where(x > 0, dy, dy·α)`.
 */
export const leakyReluGradConfig: tf.GradConfig = {
  kernelName: tf.LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { alpha } = attrs as unknown as { alpha: number };
    const fused = runsOnActiveBackend(MER_LEAKY_RELU_GRAD) && x.dtype === 'float32';
    return {
      x: () =>
        fused
          ? (tf.engine().runKernel(MER_LEAKY_RELU_GRAD, { x, dy: dy as tf.Tensor }, { alpha } as unknown as tf.NamedAttrMap) as tf.Tensor)
          : tf.where(tf.greater(x, 0), dy as tf.Tensor, tf.mul(dy as tf.Tensor, alpha)),
    };
  },
};

/** Installs the LeakyRelu kernel and its gradient kernel on wasm. Idempotent. */
export function installWasmLeakyRelu(): void {
  overrideWasmKernel(tf.LeakyRelu, leakyRelu);
  registerWasmKernel(MER_LEAKY_RELU_GRAD, leakyReluGrad);
}
