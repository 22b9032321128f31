import * as tf from '@tensorflow/tfjs-core';
import { MER_KERNELS_WASM_BASE64 } from './mer-kernels-binary';

/** The parts of the WebAssembly JS API used here (this package compiles without the DOM lib). */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The members of tfjs-backend-wasm's BackendWasm the mer kernels use. */
export interface WasmBackendLike {
  wasm: { asm?: { memory?: WasmMemory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** mer_kernels.c's exports; pointers are byte offsets into tfjs-wasm's heap. */
export interface MerKernels {
  /**
   * Batched C[t] = op(A[t])·B[t] (row-major, strides in floats, 0 broadcasts; transA 1 reads A [k, m]
   * transposed; pack: {@link MerKernels.packFloats} floats of scratch).
   */
  gemm(a: number, b: number, c: number, batch: number, m: number, n: number, k: number, strideA: number, strideB: number, transA: number, pack: number): void;
  /** Floats of packing scratch gemm and conv2dFilterGrad need. */
  packFloats: number;
  /** x [outer, p, q, inner] → y [outer, q, p, inner] (32-bit words). */
  swapAxes(x: number, y: number, outer: number, p: number, q: number, inner: number): void;
  /** x [outer, r, inner] → y [outer, inner], summing over r. */
  sumMiddle(x: number, y: number, outer: number, r: number, inner: number): void;
  /** cols [B·OH·OW, KH·KW·C] → dx [B, H, W, C] (geometry: B, H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, padTop, padLeft). */
  col2im(cols: number, dx: number, ...geometry: number[]): void;
  /** x [B, H, W, C], dy [B, OH, OW, CO] → dfilter [KH, KW, C, CO] (pack: scratch as for gemm; geometry as col2im). */
  conv2dFilterGrad(x: number, dy: number, dfilter: number, pack: number, co: number, ...geometry: number[]): void;
  /** Depthwise conv: x [B, H, W, C], dy [B, OH, OW, C·cm] → dfilter [KH, KW, C, cm] (geometry as col2im). */
  depthwiseFilterGrad(x: number, dy: number, dfilter: number, cm: number, ...geometry: number[]): void;
  /** Depthwise conv: dy [B, OH, OW, C·cm], filter [KH, KW, C, cm] → dx [B, H, W, C]. */
  depthwiseInputGrad(dy: number, filter: number, dx: number, cm: number, ...geometry: number[]): void;
  /** y = a ∘ bRow (or bRow ∘ a when swap) for a [rows, d], bRow [d]; op 0 add, 1 sub, 2 mul, 3 div. */
  binaryRow(a: number, bRow: number, y: number, rows: number, d: number, op: number, swap: number): void;
  /** Max-pool gradient: x [B, H, W, C], dy [B, OH, OW, C] → dx [B, H, W, C] (geometry as col2im). */
  maxPoolGrad(x: number, dy: number, dx: number, ...geometry: number[]): void;
  /** y [d0, d1, d2] dense ← x's element (i, j, e) at x[i·s0 + j·s1 + e] (32-bit words). */
  copyBlock(x: number, y: number, d0: number, d1: number, d2: number, s0: number, s1: number): void;
  /** y = x < 0 ? α·x : x over n floats. */
  leakyRelu(x: number, y: number, n: number, alpha: number): void;
  /** dx = x > 0 ? dy : dy·α over n floats. */
  leakyReluGrad(x: number, dy: number, dx: number, n: number, alpha: number): void;
  /** LayerNorm of x [rows, d] (γ, β [d]) → y, and per-row μ and 1/√(σ²+ε). */
  layerNorm(x: number, gamma: number, beta: number, y: number, mean: number, rstd: number, rows: number, d: number, eps: number): void;
  /** Its gradient → dx [rows, d], dγ, dβ [d]. */
  layerNormGrad(x: number, gamma: number, dy: number, mean: number, rstd: number, dx: number, dgamma: number, dbeta: number, rows: number, d: number): void;
  /** One AdamW step over n floats (see mer_kernels.c): θ, g, m, v in; θ', m', v' out. */
  adamw(theta: number, g: number, m: number, v: number, thetaOut: number, mOut: number, vOut: number, n: number, decay: number, ...scalars: number[]): void;
}

/** MerKernels' functions and the mer_kernels.c exports they are. */
const EXPORTS = {
  gemm: 'mer_gemm',
  swapAxes: 'mer_swap_axes',
  sumMiddle: 'mer_sum_middle',
  col2im: 'mer_col2im',
  conv2dFilterGrad: 'mer_conv2d_filter_grad',
  depthwiseFilterGrad: 'mer_depthwise_filter_grad',
  depthwiseInputGrad: 'mer_depthwise_input_grad',
  binaryRow: 'mer_binary_row',
  maxPoolGrad: 'mer_max_pool_grad',
  copyBlock: 'mer_copy_block',
  leakyRelu: 'mer_leaky_relu',
  leakyReluGrad: 'mer_leaky_relu_grad',
  layerNorm: 'mer_layer_norm',
  layerNormGrad: 'mer_layer_norm_grad',
  adamw: 'mer_adamw',
} as const satisfies Record<Exclude<keyof MerKernels, 'packFloats'>, string>;

/** One instance per tfjs-wasm heap; per backend, the instance or null (cannot run there). */
const BY_MEMORY = new WeakMap<WasmMemory, MerKernels>();
const BY_BACKEND = new WeakMap<object, MerKernels | null>();

/** `MER_WASM_KERNELS=off`, read once (this check runs on every kernel call); a browser has no such variable. */
const DISABLED = typeof process !== 'undefined' && process.env?.['MER_WASM_KERNELS'] === 'off';

/**
 * mer's SIMD kernels instantiated on the heap of this tfjs-wasm backend (the module imports the
 * backend's WebAssembly.Memory, so kernels read and write tensors in place), or undefined when this
 * tfjs-wasm build does not expose a non-shared memory or `MER_WASM_KERNELS=off` (then tfjs-wasm's
 * stock kernels stay in use: for comparisons and as an escape hatch).
 */
export function merKernelsFor(backend: unknown): MerKernels | undefined {
  if (DISABLED || typeof backend !== 'object' || backend === null) return undefined;
  let kernels = BY_BACKEND.get(backend);
  if (kernels === undefined) {
    kernels = instantiate((backend as Partial<WasmBackendLike>).wasm?.asm?.memory);
    BY_BACKEND.set(backend, kernels);
  }
  return kernels ?? undefined;
}

/** The module on this heap, or null when the memory is missing or shared (the threaded build). */
function instantiate(memory: WasmMemory | undefined): MerKernels | null {
  // Duck-typed: a test runner's vm realm has its own WebAssembly constructors.
  if (memory === undefined || typeof memory.grow !== 'function' || typeof memory.buffer !== 'object') return null;
  if (Object.prototype.toString.call(memory.buffer) === '[object SharedArrayBuffer]') return null;
  let kernels = BY_MEMORY.get(memory);
  if (kernels === undefined) {
    const module = new WASM.Module(base64Bytes(MER_KERNELS_WASM_BASE64));
    const e = new WASM.Instance(module, { env: { memory } }).exports as Record<string, (...args: number[]) => number>;
    const fns = Object.fromEntries(Object.entries(EXPORTS).map(([name, exported]) => [name, e[exported]]));
    kernels = { ...fns, packFloats: e['mer_pack_floats']() } as unknown as MerKernels;
    BY_MEMORY.set(memory, kernels);
  }
  return kernels;
}

/** The module's bytes: `atob` is in browsers, their workers and Node (no `Buffer` in a page). */
function base64Bytes(text: string): Uint8Array {
  const atob = (globalThis as unknown as { atob: (s: string) => string }).atob;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** {@link merKernelsFor}, for kernels registered only where the module runs: an error if it does not. */
export function requireMerKernels(backend: unknown): MerKernels {
  const kernels = merKernelsFor(backend);
  if (kernels === undefined) throw new Error("mer's wasm kernels are not available on this backend (MER_WASM_KERNELS=off, or tfjs-wasm does not expose its memory)");
  return kernels;
}

/** Runs `fn` with the byte offset of `floats` floats of scratch on the wasm heap, freed afterwards. */
export function withScratch<T>(backend: unknown, floats: number, fn: (offset: number) => T): T {
  const b = backend as WasmBackendLike;
  const scratch = b.makeOutput([floats], 'float32');
  try {
    return fn(heapOffset(backend, scratch));
  } finally {
    b.disposeData(scratch.dataId);
  }
}

/** Byte offset of a tensor's values in the wasm heap. */
export function heapOffset(backend: unknown, t: tf.TensorInfo): number {
  const entry = (backend as WasmBackendLike).dataIdMap.get(t.dataId);
  if (entry === undefined) throw new Error('mer wasm kernel: tensor is not on the wasm backend');
  return entry.memoryOffset;
}

/**
 * Merges neighbouring axes that a permutation keeps together and drops size-1 axes.
 * @returns the merged input shape and the permutation of the merged axes
 */
export function mergeAxes(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    if (last !== undefined && axis === last[last.length - 1] + 1) last.push(axis);
    else groups.push([axis]);
  }
  // Order the groups by where their first axis sits in the input.
  const byInput = [...groups].sort((a, b) => a[0] - b[0]);
  return {
    shape: byInput.map((g) => g.reduce((s, axis) => s * shape[axis], 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

/**
 * When a permutation only exchanges two neighbouring blocks of axes, the [outer, p, q, inner] view
 * that `swapAxes` transposes; otherwise undefined.
 */
export function asAxisSwap(shape: number[], perm: number[]): { outer: number; p: number; q: number; inner: number } | undefined {
  const m = mergeAxes(shape, perm);
  const key = m.perm.join(',');
  const s = m.shape;
  if (key === '1,0') return { outer: 1, p: s[0], q: s[1], inner: 1 };
  if (key === '0,2,1') return { outer: s[0], p: s[1], q: s[2], inner: 1 };
  if (key === '1,0,2') return { outer: 1, p: s[0], q: s[1], inner: s[2] };
  if (key === '0,2,1,3') return { outer: s[0], p: s[1], q: s[2], inner: s[3] };
  return undefined;
}
