import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readAndDispose } from '@mer/backend';

/** Sets a built layer's weights from nested arrays, in `layer.weights` order, checking shapes. */
export function setWeightsFromArrays(layer: tfl.layers.Layer, values: unknown[]): void {
  const ws = layer.weights;
  if (ws.length !== values.length) throw new Error(`${layer.name}: ${ws.length} weights but ${values.length} values given`);
  layer.setWeights(ws.map((w, i) => tf.tensor(values[i] as number[], w.shape as number[], 'float32')));
}

/** max |a − b| over flattened arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function flat(x: unknown): number[] {
  return (Array.isArray(x) ? (x as unknown[]).flat(Infinity) : [x]) as number[];
}

/**
 * max |t_i − ref_i| for each tensor against its reference (nested arrays), read asynchronously (every
 * backend, webgpu included); disposes the tensors.
 */
export async function maxAbsDiffs(tensors: readonly tf.Tensor[], refs: readonly unknown[]): Promise<number[]> {
  if (tensors.length !== refs.length) throw new Error(`maxAbsDiffs: ${tensors.length} tensors but ${refs.length} references`);
  const out: number[] = [];
  for (const [i, t] of tensors.entries()) out.push(maxAbsDiff(await readAndDispose(t), flat(refs[i])));
  return out;
}

/** A fidelity fixture written by tools/reference: weights in `layer.weights` order, inputs, outputs, input gradients of Σ out·R. */
export interface ReferenceFixture {
  weights: unknown[];
  inputs: unknown[];
  mask?: unknown;
  R: unknown;
  out: unknown;
  grads: unknown[];
}

/**
 * Loads a fixture's weights into `layer`, runs it on the fixture's inputs (and mask) and returns the
 * largest absolute differences from the reference outputs and input gradients. Reads asynchronously,
 * so it runs on every backend (webgpu included).
 */
export async function compareWithReference(layer: tfl.layers.Layer, fx: ReferenceFixture): Promise<{ output: number; gradients: number[] }> {
  setWeightsFromArrays(layer, fx.weights);
  const [out, ...grads] = tf.tidy(() => {
    const xs = fx.inputs.map((x) => tf.tensor(x as number[]));
    const kwargs = fx.mask ? { mask: tf.tensor(fx.mask as number[]) } : {};
    const R = tf.tensor(fx.R as number[]);
    const y = layer.apply(xs, kwargs) as tf.Tensor;
    return [y, ...tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(layer.apply(ins, kwargs) as tf.Tensor, R)) as tf.Scalar)(xs)];
  });
  const [output, ...gradients] = await maxAbsDiffs([out, ...grads], [fx.out, ...fx.grads]);
  return { output, gradients };
}

/**
 * Trains `variables` on a fixed loss until it falls to `targetRatio` of its first value or `maxSteps`
 * pass (the one-batch overfit check of every network). Returns the first and last loss, read
 * asynchronously once a step (every backend, webgpu included).
 */
export async function overfit(
  loss: () => tf.Scalar,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  options: { maxSteps?: number; targetRatio?: number } = {},
): Promise<{ first: number; last: number; steps: number }> {
  const maxSteps = options.maxSteps ?? 300;
  const target = options.targetRatio ?? 0.1;
  const first = (await readAndDispose(tf.tidy(() => loss())))[0];
  let last = first;
  let steps = 0;
  while (steps < maxSteps && last > first * target) {
    const l = optimizer.minimize(loss, true, variables);
    if (l) last = (await readAndDispose(l))[0];
    steps++;
  }
  return { first, last, steps };
}
