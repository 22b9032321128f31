import type * as ort from 'onnxruntime-node';
import { onnxRuntime } from './onnx-runtime';
import { OnnxDevice, OnnxExecution, onnxExecution, OnnxExecutionOptions } from './onnx-execution';

/** Where one model's ONNX session(s) were created, for `mer info`, notes and reports. */
export interface OnnxPlacement {
  /** The model, as messages name it. */
  model: string;
  /**
   * What the session got: 'webgpu' when ORT created the WebGPU EP (it fails to create a session whose
   * WebGPU EP cannot start; nodes that EP lacks run on the CPU EP, which ORT does not report without
   * profiling), else 'cpu'.
   */
  device: OnnxDevice;
  /** The decision it was created from ({@link onnxExecution}). */
  requested: OnnxExecution;
  /** Set when the WebGPU EP the backend called for could not start and the CPU EP took over: why. */
  fallback?: string;
}

/**
 * Opens a model's session(s) with `open` on the execution providers {@link onnxExecution} decides. A
 * WebGPU EP that followed the tensor backend and cannot start gives way to the CPU EP (the placement
 * says why); one that was forced (`ep`, MER_ONNX_EP) is an error naming the model.
 */
export async function openOnnx<T>(model: string, open: (execution: OnnxExecution) => Promise<T>, options: OnnxExecutionOptions = {}): Promise<{ value: T; placement: OnnxPlacement }> {
  const requested = onnxExecution(options);
  try {
    return { value: await open(requested), placement: { model, device: requested.device, requested } };
  } catch (e) {
    if (requested.device === 'cpu') throw e;
    const why = (e as Error).message.split('\n')[0];
    if (requested.requestedBy !== 'backend') throw new Error(`${model}: ONNX Runtime's WebGPU EP (${requested.reason}) could not start: ${why}`);
    const cpu = onnxExecution({ ...options, ep: 'cpu' });
    return { value: await open(cpu), placement: { model, device: 'cpu', requested, fallback: why } };
  }
}

export interface OnnxSessionOptions extends OnnxExecutionOptions {
  /** The model, as messages name it; default the file. */
  name?: string;
  /** ONNX Runtime's other session options (threads, optimisation level, profiling). */
  sessionOptions?: Omit<ort.InferenceSession.SessionOptions, 'executionProviders'>;
}

/** An ONNX Runtime session on the decided execution providers ({@link openOnnx}). */
export async function createOnnxSession(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<{ session: ort.InferenceSession; placement: OnnxPlacement }> {
  const name = options.name ?? (typeof model === 'string' ? model : 'an in-memory ONNX model');
  const { value, placement } = await openOnnx(
    name,
    (e) => {
      // Errors only: the WebGPU EP warns on every session that ORT keeps shape arithmetic on the CPU.
      const sessionOptions = { logSeverityLevel: 3 as const, ...options.sessionOptions, executionProviders: e.executionProviders };
      const { InferenceSession } = onnxRuntime();
      return typeof model === 'string' ? InferenceSession.create(model, sessionOptions) : InferenceSession.create(model, sessionOptions);
    },
    options,
  );
  return { session: value, placement };
}
