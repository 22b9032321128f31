import * as tf from '@tensorflow/tfjs-core';
import { merKernelsFor } from './wasm/mer-kernels-module';

const OVERRIDES = new WeakSet<tf.KernelFunc>();

/**
 * Replaces tfjs-wasm's kernel `kernelName` with `make(stock)`, keeping its setup and dispose hooks;
 * `stock` is the kernel being replaced, for the cases the replacement leaves to it. Once per kernel:
 * calling again (or for a kernel not registered on wasm) does nothing.
 */
export function overrideWasmKernel(kernelName: string, make: (stock: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (original === undefined || OVERRIDES.has(original.kernelFunc)) return;
  const kernelFunc = make(original.kernelFunc);
  OVERRIDES.add(kernelFunc);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
}

/** True when mer's kernel `kernelName` runs on the active backend (wasm with mer's module loaded). */
export function runsOnActiveBackend(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined && merKernelsFor(tf.backend()) !== undefined;
}

/** Registers a kernel of mer's own (a name tfjs does not have) on wasm, once. */
export function registerWasmKernel(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, 'wasm') === undefined) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

/**
 * Whether mer's SIMD module runs on the active backend: wasm whose heap is not shared (the threaded
 * build's is), with the kernels not switched off. A page that starts tfjs-wasm itself calls
 * `installWasmKernelFixes` and reads this.
 */
export function merKernelsActive(): boolean {
  return merKernelsFor(tf.backend()) !== undefined;
}
