import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernel, runsOnActiveBackend } from './wasm-kernel-registry';
import { heapOffset, requireMerKernels, WasmBackendLike } from './wasm/mer-kernels-module';

/** Kernel name of the fused AdamW step (wasm with mer's kernels only). */
export const MER_ADAMW = 'MerAdamW';

/** The scalars of one AdamW step, as tfjs' AdamOptimizer (after mer's decoupled decay) uses them. */
export interface AdamWStepScalars {
  /** Apply θ·shrink first (decoupled weight decay for this parameter). */
  decay: boolean;
  /** 1 − lr·λ. */
  shrink: number;
  beta1: number;
  beta2: number;
  /** 1 − β1^t and 1 − β2^t, as the float32 values tfjs computed. */
  biasCorrection1: number;
  biasCorrection2: number;
  epsilon: number;
  learningRate: number;
}

/** True when the active backend runs {@link adamwStep} (wasm with mer's kernels). */
export function hasFusedAdamW(): boolean {
  return runsOnActiveBackend(MER_ADAMW);
}

/**
 * One AdamW step for one float32 parameter in a single kernel (tfjs' Adam runs ~13 per parameter;
 * on small networks the per-kernel overhead, not the arithmetic, is the cost). Bit-identical to the
 * op-by-op update.
 *
 * @param value θ, any shape; gradient, m, v the same shape
 * @returns [θ', m', v']
 */
export function adamwStep(value: tf.Tensor, gradient: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: AdamWStepScalars): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(MER_ADAMW, { value, gradient, m, v }, { ...s } as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

const adamwKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const names = ['value', 'gradient', 'm', 'v'] as const;
  const [value, gradient, m, v] = names.map((n) => inputs[n] as tf.TensorInfo);
  for (const [i, t] of [value, gradient, m, v].entries()) {
    if (t.dtype !== 'float32') throw new Error(`${MER_ADAMW}: float32 ${names[i]} expected, got ${t.dtype}`);
    if (!tf.util.arraysEqual(t.shape, value.shape)) throw new Error(`${MER_ADAMW}: ${names[i]} [${t.shape}] differs from the parameter [${value.shape}]`);
  }
  const s = attrs as unknown as AdamWStepScalars;
  const b = backend as unknown as WasmBackendLike;
  const outs = [b.makeOutput(value.shape, 'float32'), b.makeOutput(value.shape, 'float32'), b.makeOutput(value.shape, 'float32')];
  const n = tf.util.sizeFromShape(value.shape);
  if (n > 0) {
    const at = (t: tf.TensorInfo) => heapOffset(backend, t);
    requireMerKernels(backend).adamw(
      at(value), at(gradient), at(m), at(v), at(outs[0]), at(outs[1]), at(outs[2]), n,
      s.decay ? 1 : 0, s.shrink, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.biasCorrection1, s.biasCorrection2, s.epsilon, -s.learningRate,
    );
  }
  return outs;
};

/** Registers the fused AdamW kernel for wasm. Idempotent. */
export function installWasmAdamW(): void {
  registerWasmKernel(MER_ADAMW, adamwKernel);
}
