import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-kernel-registry';
import { heapOffset, merKernelsFor, WasmBackendLike } from './wasm/mer-kernels-module';

/**
 * tfjs-wasm's Add/Sub/Multiply/RealDiv go through XNNPACK when both operands have one shape, but
 * broadcast element by element otherwise: a BatchNorm scale, [15, 112, 112, 29] × [1, 1, 1, 29], ran at
 * ~55 M elements/s here, and a division by a scalar at ~90 M/s. When one operand is a scalar or a
 * row broadcast along the leading axes of the other, mer's SIMD kernel does it at memory speed, with
 * the same float32 results.
 */
const OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;

/** Shape without its leading 1s. */
function stripOnes(shape: number[]): number[] {
  let i = 0;
  while (i < shape.length - 1 && shape[i] === 1) i++;
  return shape.slice(i);
}

/** When `row` broadcasts along the leading axes of `full` (or is a scalar): its length d. */
function rowLength(full: number[], row: number[]): number | undefined {
  const size = tf.util.sizeFromShape(row);
  if (size === 1) return row.length <= full.length ? 1 : undefined;
  const r = stripOnes(row);
  if (r.length > full.length) return undefined;
  return tf.util.arraysEqual(r, full.slice(full.length - r.length)) ? size : undefined;
}

/** a ∘ b with one operand broadcast as a row or scalar; undefined when that does not apply. */
export function broadcastBinaryFast(backend: unknown, a: tf.TensorInfo, b: tf.TensorInfo, op: keyof typeof OPS): tf.TensorInfo | undefined {
  const kernels = merKernelsFor(backend);
  if (kernels === undefined || a.dtype !== 'float32' || b.dtype !== 'float32' || tf.util.arraysEqual(a.shape, b.shape)) return undefined;
  const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const size = tf.util.sizeFromShape(outShape);
  if (size === 0) return undefined;
  let full = a;
  let row = b;
  let swap = 0;
  if (!tf.util.arraysEqual(a.shape, outShape)) {
    if (!tf.util.arraysEqual(b.shape, outShape)) return undefined;
    [full, row, swap] = [b, a, 1];
  }
  const d = rowLength(full.shape, row.shape);
  if (d === undefined) return undefined;
  const out = (backend as WasmBackendLike).makeOutput(outShape, 'float32');
  kernels.binaryRow(heapOffset(backend, full), heapOffset(backend, row), heapOffset(backend, out), d === 1 ? size : size / d, d, OPS[op], swap);
  return out;
}

/** Routes wasm Add, Sub, Multiply and RealDiv with a row/scalar broadcast through mer's kernel. Idempotent. */
export function installWasmBroadcastBinary(): void {
  for (const op of Object.keys(OPS) as (keyof typeof OPS)[]) {
    overrideWasmKernel(op, (stock) => (args) => broadcastBinaryFast(args.backend, args.inputs['a'] as tf.TensorInfo, args.inputs['b'] as tf.TensorInfo, op) ?? stock(args));
  }
}
