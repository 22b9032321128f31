import * as tf from '@tensorflow/tfjs-core';
import type { PipelineModel } from './pipeline-model';

/** tfjs-wasm's heap is a 32-bit WebAssembly memory: 4 GiB at most. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;

/** What one training step of a network needs, measured before training. */
export interface TrainingMemory {
  parameters: number;
  /** Weights, gradients and Adam's two moments: 16 bytes a parameter. */
  stateBytes: number;
  /** Activations kept for the backward pass, per item of a batch (measured on a batch of one). */
  perItemBytes: number;
  batchSize: number;
  /** stateBytes + perItemBytes × batchSize. */
  bytes: number;
}

/**
 * Measures a training step's memory: one forward and backward pass (inference mode: the network's
 * state is left as it was) on a batch of one zero item of the
 * given per-stream shapes, under `tf.profile` (the engine's peak bytes), scaled by the batch size,
 * plus 16 bytes a parameter for weights, gradients and Adam's moments.
 * @param shapes per stream `[time, dim]` of one training item
 */
export async function measureTrainingMemory(model: PipelineModel, shapes: Record<string, [number, number]>, batchSize: number): Promise<TrainingMemory> {
  const parameters = model.parameterCount();
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => {
    const features = Object.fromEntries(Object.entries(shapes).map(([m, [t, d]]) => [m, tf.zeros([1, t, d]) as tf.Tensor3D]));
    const { value, grads } = tf.variableGrads(() => {
      // Inference mode: a training-mode pass would draw dropout masks and move batch-norm statistics,
      // changing the run it measures (dropout's masks are a small share of the activations).
      const out = model.forward({ features }, { training: false });
      // Whatever the network outputs (logits, per-frame values): every output tensor takes part.
      const outputs = Object.entries(out).flatMap(([k, t]) => (k === 'kind' ? [] : [t as tf.Tensor]));
      return tf.addN(outputs.map((t) => tf.sum(tf.square(t)))) as tf.Scalar;
    });
    tf.dispose([value, ...Object.values(grads), ...Object.values(features)]);
  });
  // The peak holds the weights already there, one item's activations and the gradients (4 B a parameter).
  const perItemBytes = Math.max(0, info.peakBytes - before - 4 * parameters);
  const stateBytes = 16 * parameters;
  return { parameters, stateBytes, perItemBytes, batchSize, bytes: stateBytes + perItemBytes * batchSize };
}

const gb = (b: number) => `${(b / 2 ** 30).toFixed(1)} GB`;

/**
 * On wasm: refuses a training the heap cannot hold (above 90 % of 4 GiB, room left for the runtime and
 * the batches), naming the estimate and the ways out. `limit` overrides the 90 % (MER_WASM_MEMORY_LIMIT).
 */
export function checkWasmMemory(m: TrainingMemory, what: string, limit = 0.9 * WASM_HEAP_BYTES): void {
  if (m.bytes <= limit) return;
  const fits = m.perItemBytes > 0 ? Math.floor((limit - m.stateBytes) / m.perItemBytes) : 0;
  const batch = fits >= 1 ? `a smaller batch (--config '{"batchSize": ${fits}}' is about the largest that fits)` : 'a smaller batch will not do: the weights and optimizer state alone do not fit';
  throw new Error(
    `${what}: training needs about ${gb(m.bytes)} on the wasm backend — ${(m.parameters / 1e6).toFixed(1)} M parameters (${gb(m.stateBytes)} for weights, gradients and Adam's moments) ` +
      `and ${(m.perItemBytes / 2 ** 20).toFixed(0)} MB of activations per item × batch ${m.batchSize} — past wasm's ${gb(limit)} (4 GB heap). Ways out: a smaller preset (lite), ${batch}, or a GPU backend (--backend webgpu on a machine with a GPU).`,
  );
}

/** One training item's per-stream `[time, dim]` as a batch holds it (frame networks: a window at most). */
export function itemShapes(stores: Record<string, { read(id: string): { frames: number; dim: number } }>, id: string, window: number | null): Record<string, [number, number]> {
  return Object.fromEntries(
    Object.entries(stores).map(([m, s]) => {
      const seq = s.read(id);
      return [m, [Math.max(1, window ? Math.min(window, seq.frames) : seq.frames), seq.dim]];
    }),
  );
}

/** Before training on wasm: measure, and refuse what the heap cannot hold. Elsewhere: nothing. */
export async function guardTrainingMemory(model: PipelineModel, shapes: Record<string, [number, number]>, batchSize: number, what: string, backend: string | undefined, env: Record<string, string | undefined> = process.env): Promise<TrainingMemory | undefined> {
  if (backend !== 'wasm') return undefined;
  const m = await measureTrainingMemory(model, shapes, batchSize);
  const limit = env['MER_WASM_MEMORY_LIMIT'] ? Number(env['MER_WASM_MEMORY_LIMIT']) : undefined;
  if (limit !== undefined && !(limit > 0)) throw new Error(`MER_WASM_MEMORY_LIMIT must be a number of bytes > 0, got '${env['MER_WASM_MEMORY_LIMIT']}'`);
  checkWasmMemory(m, what, limit);
  return m;
}
