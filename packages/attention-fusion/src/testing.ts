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
