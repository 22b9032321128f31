import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernel, runsOnActiveBackend } from './wasm-kernel-registry';
import { heapOffset, requireMerKernels, WasmBackendLike } from './wasm/mer-kernels-module';

/** Kernel names of the fused LayerNorm and its gradient (wasm with mer's kernels only). */
export const MER_LAYER_NORM = 'MerLayerNorm';
export const MER_LAYER_NORM_GRAD = 'MerLayerNormGrad';

/** True when the active backend runs the fused LayerNorm kernels. */
export function hasFusedLayerNorm(): boolean {
  return runsOnActiveBackend(MER_LAYER_NORM);
}

function rowsAndDim(x: tf.TensorInfo, kernel: string, params: tf.TensorInfo[]): [number, number] {
  const d = x.shape[x.shape.length - 1];
  for (const t of [x, ...params]) if (t.dtype !== 'float32') throw new Error(`${kernel}: float32 inputs expected, got ${t.dtype}`);
  for (const p of params) if (p.shape.length !== 1 || p.shape[0] !== d) throw new Error(`${kernel}: parameter [${p.shape}] does not match the last axis of [${x.shape}]`);
  return [tf.util.sizeFromShape(x.shape) / d, d];
}

const layerNormKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const [x, gamma, beta] = (['x', 'gamma', 'beta'] as const).map((n) => inputs[n] as tf.TensorInfo);
  const [rows, d] = rowsAndDim(x, MER_LAYER_NORM, [gamma, beta]);
  const b = backend as unknown as WasmBackendLike;
  const outs = [b.makeOutput(x.shape, 'float32'), b.makeOutput([rows], 'float32'), b.makeOutput([rows], 'float32')];
  if (rows * d > 0) {
    const at = (t: tf.TensorInfo) => heapOffset(backend, t);
    requireMerKernels(backend).layerNorm(at(x), at(gamma), at(beta), at(outs[0]), at(outs[1]), at(outs[2]), rows, d, (attrs as unknown as { epsilon: number }).epsilon);
  }
  return outs;
};

const layerNormGradKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const [x, gamma, dy, mean, rstd] = (['x', 'gamma', 'dy', 'mean', 'rstd'] as const).map((n) => inputs[n] as tf.TensorInfo);
  const [rows, d] = rowsAndDim(x, MER_LAYER_NORM_GRAD, [gamma]);
  if (!tf.util.arraysEqual(dy.shape, x.shape)) throw new Error(`${MER_LAYER_NORM_GRAD}: dy [${dy.shape}] differs from x [${x.shape}]`);
  const b = backend as unknown as WasmBackendLike;
  const outs = [b.makeOutput(x.shape, 'float32'), b.makeOutput([d], 'float32'), b.makeOutput([d], 'float32')];
  if (rows * d > 0) {
    const at = (t: tf.TensorInfo) => heapOffset(backend, t);
    requireMerKernels(backend).layerNormGrad(at(x), at(gamma), at(dy), at(mean), at(rstd), at(outs[0]), at(outs[1]), at(outs[2]), rows, d);
  }
  return outs;
};

/** Registers the fused LayerNorm kernels for wasm. Idempotent. */
export function installWasmLayerNorm(): void {
  registerWasmKernel(MER_LAYER_NORM, layerNormKernel);
  registerWasmKernel(MER_LAYER_NORM_GRAD, layerNormGradKernel);
}
