import * as tf from '@tensorflow/tfjs-core';
import { transposeLastTwo } from './transpose-wasm';
import { overrideWasmKernel } from './wasm-kernel-registry';
import { heapOffset, merKernelsFor, WasmBackendLike, withScratch } from './wasm/mer-kernels-module';

/**
 * Matrix products on tfjs-backend-wasm. tfjs-wasm's BatchMatMul runs one matrix through XNNPACK
 * (25–34 GFLOP/s here, SIMD, one thread) but only untransposed — transposeB 2.0 GFLOP/s, transposeA
 * 0.4, and every matMul gradient is transposed — and batches of distinct matrices (attention's
 * [B, H, T, T] products) in a scalar loop at 1.2–2.0 GFLOP/s. mer's SIMD kernel (4×8 register
 * tiles over packed cache panels of B, A read transposed in place, B transposed once when asked)
 * measured 26–42 GFLOP/s on mer's shapes, single or batched, so float32 products with at least 8
 * output columns run there; narrower ones (a regression head's [N, k]·[k, 2]) and other dtypes go to
 * the stock kernel, with transposed operands materialised first. tools/bench/matmul.ts prints both
 * paths per shape.
 */
type KernelArgs = Parameters<tf.KernelFunc>[0];

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Runs `run` with the transposed operands materialised (freed afterwards); attrs untransposed. */
function withMaterialisedTransposes(args: KernelArgs, run: (inputs: tf.NamedTensorInfoMap) => tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo | tf.TensorInfo[] {
  const attrs = args.attrs as unknown as MatMulAttrs;
  const backend = args.backend as unknown as WasmBackendLike;
  const temps: tf.TensorInfo[] = [];
  const inputs = { ...args.inputs };
  for (const [name, transposed] of [['a', attrs.transposeA], ['b', attrs.transposeB]] as const) {
    if (!transposed) continue;
    const t = transposeLastTwo(backend, args.inputs[name] as tf.TensorInfo);
    temps.push(t);
    inputs[name] = t;
  }
  try {
    return run(inputs);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** The stock kernel on untransposed operands (transposes materialised first, freed afterwards). */
function stockUntransposed(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) =>
    withMaterialisedTransposes(args, (inputs) => stock({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap }));
}

/** Products with fewer output columns run on the stock kernel (its vector tiles are narrower). */
const MIN_COLUMNS = 8;

/** BatchMatMul: mer's kernel where it applies, else the stock kernel on untransposed operands. */
function batchMatMul(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
    const a = args.inputs['a'] as tf.TensorInfo;
    const b = args.inputs['b'] as tf.TensorInfo;
    const viaStock = () => stockUntransposed(stock)(args);
    const kernels = merKernelsFor(args.backend);
    if (kernels === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return viaStock();
    const [ar, ac] = a.shape.slice(-2);
    const [br, bc] = b.shape.slice(-2);
    const [m, k] = transposeA ? [ac, ar] : [ar, ac];
    const [k2, n] = transposeB ? [bc, br] : [br, bc];
    if (k !== k2) {
      throw new Error(`Error in matMul: inner shapes (${k}) and (${k2}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
    }
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const batch = tf.util.sizeFromShape(outer);
    const broadcastable = (batchA === batch || batchA === 1) && (batchB === batch || batchB === 1);
    if (!broadcastable || n < MIN_COLUMNS || m * k === 0) return viaStock();
    const backend = args.backend as unknown as WasmBackendLike;
    const bRowMajor = transposeB ? transposeLastTwo(backend, b) : b;
    try {
      const out = backend.makeOutput([...outer, m, n], 'float32');
      const [pa, pb, pc] = [heapOffset(backend, a), heapOffset(backend, bRowMajor), heapOffset(backend, out)];
      withScratch(backend, kernels.packFloats, (pack) => {
        if (batchA > 1 && batchB === 1 && !transposeA) {
          // One right-hand matrix for every item: a single [batch·m, k]·[k, n] product.
          kernels.gemm(pa, pb, pc, 1, batch * m, n, k, 0, 0, 0, pack);
        } else {
          kernels.gemm(pa, pb, pc, batch, m, n, k, batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n, transposeA ? 1 : 0, pack);
        }
      });
      return out;
    } finally {
      if (bRowMajor !== b) backend.disposeData(bRowMajor.dataId);
    }
  };
}

/** Installs the fast matMul paths on the wasm backend (after its package is loaded). Idempotent. */
export function installWasmMatMul(): void {
  overrideWasmKernel('BatchMatMul', batchMatMul);
  // Dense layers' fused product (+ bias, activation): XNNPACK, transposed operands materialised.
  overrideWasmKernel('_FusedMatMul', stockUntransposed);
}
