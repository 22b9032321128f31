/**
 * The threads tfjs-wasm's threaded build runs with `cores` logical cores: half of them (its backend
 * assumes two a core), 1 to 8. With fewer than 4 that is one thread, where its single-threaded build
 * does as well and leaves the heap unshared, so mer's kernels can run on it.
 */
export function tfjsWasmThreads(cores: number): number {
  return Math.max(1, Math.min(8, Math.floor(cores / 2)));
}

/** The threads ONNX Runtime Web is given with `cores` logical cores in a cross-origin-isolated scope: up to 4. */
export function onnxWasmThreads(cores: number): number {
  return Math.max(1, Math.min(4, cores));
}
