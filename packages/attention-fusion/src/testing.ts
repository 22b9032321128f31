import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

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
 * largest absolute differences from the reference outputs and input gradients.
 */
export function compareWithReference(layer: tfl.layers.Layer, fx: ReferenceFixture): { output: number; gradients: number[] } {
  setWeightsFromArrays(layer, fx.weights);
  return tf.tidy(() => {
    const xs = fx.inputs.map((x) => tf.tensor(x as number[]));
    const kwargs = fx.mask ? { mask: tf.tensor(fx.mask as number[]) } : {};
    const R = tf.tensor(fx.R as number[]);
    const output = maxAbsDiff((layer.apply(xs, kwargs) as tf.Tensor).dataSync(), flat(fx.out));
    const grads = tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(layer.apply(ins, kwargs) as tf.Tensor, R)) as tf.Scalar)(xs);
    return { output, gradients: grads.map((g, i) => maxAbsDiff(g.dataSync(), flat(fx.grads[i]))) };
  });
}

/**
 * Trains `variables` on a fixed loss until it falls to `targetRatio` of its first value or `maxSteps`
 * pass (the one-batch overfit check of every network). Returns the first and last loss.
 */
export function overfit(
  loss: () => tf.Scalar,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  options: { maxSteps?: number; targetRatio?: number } = {},
): { first: number; last: number; steps: number } {
  const maxSteps = options.maxSteps ?? 300;
  const target = options.targetRatio ?? 0.1;
  const first = tf.tidy(() => loss().dataSync()[0]);
  let last = first;
  let steps = 0;
  while (steps < maxSteps && last > first * target) {
    const l = optimizer.minimize(loss, true, variables);
    last = l ? l.dataSync()[0] : last;
    l?.dispose();
    steps++;
  }
  return { first, last, steps };
}
