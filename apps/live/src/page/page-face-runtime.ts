import type { FrozenGraphRuntime } from '@mer/feature-extractors';

/**
 * Where the page runs human's graphs (BlazeFace, the expression CNN, a run's face embedder), on its
 * thread and in BlazeFace's worker: on the tensor backend, not converted to ONNX as in Node. In Chromium
 * on wasm, tfjs' kernels are as fast as ONNX Runtime Web's on these networks (bench:live, interleaved:
 * BlazeFace 52–53 ms a frame against 49–50, 22–23 fps against 24–25), while starting ONNX Runtime Web
 * takes a thread for 1.5–2 s (its 14 MB module compiled, thousands of kernels registered), so the first
 * result does not wait for it. Outputs agree with the ONNX route within 1e-5 relative (frozen-graph spec).
 */
export const PAGE_FACE_RUNTIME: FrozenGraphRuntime = 'tfjs';
