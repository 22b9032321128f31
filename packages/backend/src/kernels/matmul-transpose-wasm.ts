import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs-backend-wasm's BatchMatMul / _FusedMatMul hand transposed operands to XNNPACK's slow path:
 * measured here (1024×256·256×1024, SIMD, one thread) 22 GFLOP/s untransposed but 2.0 with
 * transposeB and 0.4 with transposeA — and every matMul gradient is a transposed matMul. These
 * wrappers materialise the transpose once (O(n²), the wasm Transpose kernel) and run the fast
 * untransposed kernel (O(n³)).
 */
const WRAPPED = new WeakSet<tf.KernelFunc>();

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

function wrap(kernelName: string): void {
  const original = tf.getKernel(kernelName, 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (original === undefined || transpose === undefined || WRAPPED.has(original.kernelFunc)) return;
  const inner = original.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return inner(args);
    const backend = args.backend as { disposeData(id: unknown): boolean };
    const temps: tf.TensorInfo[] = [];
    const materialise = (x: tf.TensorInfo): tf.TensorInfo => {
      const t = transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm: swapLastTwo(x.shape.length) } as any }) as tf.TensorInfo;
      temps.push(t);
      return t;
    };
    const inputs = { ...args.inputs };
    if (attrs.transposeA) inputs['a'] = materialise(args.inputs['a'] as tf.TensorInfo);
    if (attrs.transposeB) inputs['b'] = materialise(args.inputs['b'] as tf.TensorInfo);
    try {
      return inner({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  WRAPPED.add(kernelFunc);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
}

/** Installs the fast transposed-matMul path on the wasm backend (after its package is loaded). Idempotent. */
export function installWasmMatMulTransposeFix(): void {
  wrap('BatchMatMul');
  wrap('_FusedMatMul');
}
