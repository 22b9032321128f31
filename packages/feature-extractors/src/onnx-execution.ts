import { adapterLine, BackendInfo, getBackendInfo } from '@mer/backend';

/** Where an ONNX model runs: ONNX Runtime's WebGPU execution provider, or its CPU one. */
export type OnnxDevice = 'webgpu' | 'cpu';

/**
 * An entry of ONNX Runtime's `executionProviders`. WebGPU with `preferredLayout: 'NCHW'`: with ORT
 * 1.30's default NHWC layout its Conv miscomputes some shapes (seen: Conv1d with 33 or 129 input
 * channels and kernel 2–3, Silero VAD's first encoder layer among them, which puts its speech
 * probabilities up to 0.89 off); on NCHW the VAD, the face graphs and the hub models match the CPU EP.
 */
export type OnnxExecutionProvider = 'cpu' | { readonly name: 'webgpu'; readonly preferredLayout: 'NCHW' };

/** The decision for one session, as ONNX Runtime and transformers.js each take it. */
export interface OnnxExecution {
  device: OnnxDevice;
  /** For `InferenceSession.create` (and transformers.js' `session_options`): ORT places nodes the first lacks on the next. */
  executionProviders: readonly OnnxExecutionProvider[];
  /** 'option' (a caller forced it), 'MER_ONNX_EP', or 'backend' (followed the tensor backend). */
  requestedBy: 'option' | 'MER_ONNX_EP' | 'backend';
  /** Why, in words, for `mer info` and notes. */
  reason: string;
}

export interface OnnxExecutionOptions {
  /** Force a device; 'auto' (default) reads MER_ONNX_EP, else follows the tensor backend. */
  ep?: OnnxDevice | 'auto';
  /** The tensor backend to follow; default the active one ({@link getBackendInfo}); null: none. */
  backend?: Pick<BackendInfo, 'name' | 'adapter'> | null;
  /** Environment to read MER_ONNX_EP from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Environment variable that forces the ONNX device: cpu | webgpu | auto. */
export const ONNX_EP_ENV = 'MER_ONNX_EP';

const WEBGPU: readonly OnnxExecutionProvider[] = [{ name: 'webgpu', preferredLayout: 'NCHW' }, 'cpu'];
const CPU: readonly OnnxExecutionProvider[] = ['cpu'];

function on(device: OnnxDevice, requestedBy: OnnxExecution['requestedBy'], reason: string): OnnxExecution {
  return { device, executionProviders: device === 'webgpu' ? WEBGPU : CPU, requestedBy, reason };
}

/**
 * The one place that decides where mer's ONNX models (Silero VAD, the converted face graphs, the hub
 * encoders and ASR through transformers.js) run. They follow the tensor backend: webgpu on a hardware
 * adapter → ORT's WebGPU EP (CPU for the nodes it lacks); webgpu on a software adapter (SwiftShader,
 * llvmpipe: slower than the CPU) → CPU EP; tensorflow, wasm, cpu or none → CPU EP (ORT-node bundles no
 * CUDA EP). The `ep` option, else MER_ONNX_EP, overrides (e.g. the WebGPU EP on SwiftShader in tests).
 */
export function onnxExecution(options: OnnxExecutionOptions = {}): OnnxExecution {
  if (options.ep !== undefined && options.ep !== 'auto') return on(options.ep, 'option', `asked for ${options.ep}`);
  const fromEnv = (options.env ?? process.env)[ONNX_EP_ENV]?.trim();
  if (fromEnv === 'cpu' || fromEnv === 'webgpu') return on(fromEnv, 'MER_ONNX_EP', `${ONNX_EP_ENV}=${fromEnv}`);
  if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== 'auto') throw new Error(`${ONNX_EP_ENV}="${fromEnv}": expected cpu, webgpu or auto`);
  const backend = options.backend === undefined ? getBackendInfo() : options.backend;
  if (!backend) return on('cpu', 'backend', 'no tensor backend initialised');
  if (backend.name !== 'webgpu') return on('cpu', 'backend', `the ${backend.name} backend`);
  if (!backend.adapter) return on('cpu', 'backend', 'the webgpu backend on an adapter it did not name');
  if (backend.adapter.software) return on('cpu', 'backend', 'the webgpu backend on a software adapter, slower than the CPU EP');
  return on('webgpu', 'backend', `the webgpu backend on ${adapterLine(backend.adapter)}`);
}

/** `webgpu EP (then CPU): the webgpu backend on nvidia ampere (…)`. */
export function describeOnnxExecution(e: OnnxExecution): string {
  return `${e.device === 'webgpu' ? 'webgpu EP (then CPU)' : 'CPU EP'}: ${e.reason}`;
}
