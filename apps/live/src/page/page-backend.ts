/// <reference lib="dom" />
import * as tf from '@tensorflow/tfjs-core';
// The page runs in a browser, where @mer/backend's initBackend (Node: require() by name, a probe process
// for the adapter) cannot: this is the page's own choice between the two browser backends, with
// @mer/backend's rule for adapters (describeAdapter: a software/fallback adapter is never taken on auto).
// eslint-disable-next-line no-restricted-imports
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// eslint-disable-next-line no-restricted-imports
import '@tensorflow/tfjs-backend-webgpu';
import { adapterLine, describeAdapter, installWasmKernelFixes, merKernelsActive } from '@mer/backend';
import { onnxWasmThreads, tfjsWasmThreads } from './wasm-threads';
import * as ort from 'onnxruntime-web'; // the page bundle resolves this and `onnxruntime-node` to onnxruntime-web's WASM-only build

export type PageBackendName = 'webgpu' | 'wasm';

/** The tensor backend the page runs on, and why. */
export interface PageBackend {
  name: PageBackendName;
  reason: string;
  /** ONNX Runtime Web's execution provider (Silero VAD). */
  onnx: 'wasm';
  /**
   * Threads of tfjs-wasm and of ONNX Runtime Web: several only when the page is cross-origin isolated
   * (`mer live --threads` sends the headers), since their threaded builds need SharedArrayBuffer.
   * tfjs-wasm runs at most half the logical cores (`tfjsWasmThreads`).
   */
  threads: number;
  onnxThreads: number;
  /**
   * wasm only: `mer` when mer's SIMD kernels (matrix products, transposes, sums, slices, broadcasts) run
   * on tfjs-wasm's heap, as they do in Node; `stock` with `?kernels=stock` (comparisons), or where they
   * cannot (the threaded build's shared heap, with 4 or more logical cores and `mer live --threads`).
   */
  kernels: WasmKernels | null;
}

/**
 * Before tfjs-wasm starts: its threaded build only where it would run more than one thread (in a
 * cross-origin-isolated scope with 4 or more logical cores); else its single-threaded one.
 */
function chooseTfjsWasmBuild(threads: number): void {
  if (threads < 2) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(threads);
}

/** Which kernels tfjs-wasm runs: mer's SIMD module where it can, or tfjs-wasm's own. */
export type WasmKernels = 'mer' | 'stock';

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; device?: string; description?: string }; isFallbackAdapter?: boolean } | null>;
}

/** Whether webgpu is worth taking: an adapter that is not a software/fallback one (SwiftShader is ~50× slower than wasm). */
async function hardwareAdapter(): Promise<{ ok: boolean; why: string }> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { ok: false, why: 'no navigator.gpu' };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { ok: false, why: 'navigator.gpu gave no adapter' };
  const a = describeAdapter(adapter.info ?? {}, adapter.isFallbackAdapter ?? false);
  return a.software ? { ok: false, why: `software adapter (${adapterLine(a)})` } : { ok: true, why: adapterLine(a) };
}

/**
 * Chooses and starts the page's tensor backend: `forced` (the page's `?backend=`) when given, else webgpu
 * on a hardware adapter, else wasm. Both wasm runtimes (tfjs' and ONNX Runtime Web's) load their
 * `.wasm` from `wasmBase` on the page's own server.
 */
export async function startPageBackend(forced: string | null, wasmBase: string, kernels: string | null = null): Promise<PageBackend> {
  if (forced !== null && forced !== 'wasm' && forced !== 'webgpu') throw new Error(`?backend=${forced}: expected wasm or webgpu`);
  if (kernels !== null && kernels !== 'mer' && kernels !== 'stock') throw new Error(`?kernels=${kernels}: expected mer or stock`);
  setWasmPaths(wasmBase);
  // Only the .wasm: its JavaScript glue is inside the bundle (a string prefix would fetch a separate .mjs too).
  ort.env.wasm.wasmPaths = { wasm: `${wasmBase}ort-wasm-simd-threaded.wasm` };
  const cores = navigator.hardwareConcurrency || 1;
  const onnxThreads = crossOriginIsolated ? onnxWasmThreads(cores) : 1;
  ort.env.wasm.numThreads = onnxThreads;
  chooseTfjsWasmBuild(crossOriginIsolated ? tfjsWasmThreads(cores) : 1);
  let name: PageBackendName = 'wasm';
  let reason: string;
  if (forced) {
    name = forced;
    reason = `asked for ${forced}`;
  } else {
    const hw = await hardwareAdapter();
    if (hw.ok) name = 'webgpu';
    reason = hw.ok ? `webgpu on ${hw.why}` : `wasm: ${hw.why}`;
  }
  // eslint-disable-next-line no-restricted-syntax
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to start`);
  await tf.ready();
  const wasm = name === 'wasm' ? withKernels(kernels ?? 'mer') : null;
  return { name, reason, onnx: 'wasm', threads: name === 'wasm' ? getThreadsCount() : 0, onnxThreads, kernels: wasm };
}

/** On the started wasm backend: mer's kernels unless `stock` is asked for; which kernels run. */
function withKernels(asked: WasmKernels): WasmKernels {
  if (asked === 'stock') return 'stock';
  installWasmKernelFixes();
  return merKernelsActive() ? 'mer' : 'stock';
}

/** What BlazeFace's worker needs to start the page's backend in its own scope. */
export interface WorkerBackend {
  name: PageBackendName;
  /** The page server's `wasm/` (tfjs' `.wasm`). */
  wasmBase: string;
  /** wasm: the page's kernels (absent: mer's). */
  kernels?: WasmKernels | null;
}

/**
 * Starts `b` in a worker (its own tfjs): one thread, since the worker is there to use the second core.
 * The page chose the backend; the worker takes the same (webgpu: the same GPU, in a worker's scope).
 */
export async function startWorkerBackend(b: WorkerBackend): Promise<void> {
  setWasmPaths(b.wasmBase);
  chooseTfjsWasmBuild(1);
  // eslint-disable-next-line no-restricted-syntax
  if (!(await tf.setBackend(b.name))) throw new Error(`the ${b.name} backend failed to start in the worker`);
  await tf.ready();
  if (b.name === 'wasm') withKernels(b.kernels ?? 'mer');
}
