import type * as Ort from 'onnxruntime-node';

let loaded: typeof Ort | null = null;

/**
 * onnxruntime-node, loaded when a model first runs on it: a command that runs no ONNX model (train,
 * eval, extracting audio files) never loads it, and a copy without it (the GPU check's device kit)
 * still runs everything else. In the browser bundle this is onnxruntime-web (package.json `browser`).
 */
export function onnxRuntime(): typeof Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('onnxruntime-node') as typeof Ort;
  return loaded;
}
