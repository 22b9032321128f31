import * as tf from '@tensorflow/tfjs-core';

/** The few members of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

/**
 * `UnsortedSegmentSum` for the wasm backend (it has none, and gather's gradient needs it):
 * `out[s, ...] = Σ_{i: ids[i] = s} x[i, ...]`, ids outside `[0, numSegments)` dropped as in TF.
 * A single pass over the wasm heap: O(x.size), no intermediate tensors.
 *
 * @param x [N, ...rest] (segment ids index the leading `ids.rank` axes)
 * @param segmentIds [N] int32
 * @returns [numSegments, ...rest]
 */
function unsortedSegmentSum(args: {
  inputs: { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  backend: unknown;
  attrs: { numSegments: number };
}): tf.TensorInfo {
  const { inputs, attrs } = args;
  const backend = args.backend as WasmBackendLike;
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs;
  const idsSize = tf.util.sizeFromShape(segmentIds.shape);
  const rest = x.shape.slice(segmentIds.shape.length);
  const inner = tf.util.sizeFromShape(rest);
  if (idsSize * inner !== tf.util.sizeFromShape(x.shape)) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
    );
  }
  const out = backend.makeOutput([numSegments, ...rest], x.dtype);
  const outVals = backend.typedArrayFromHeap(out);
  outVals.fill(0);
  const xVals = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < idsSize; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) outVals[dst + k] += xVals[src + k];
  }
  return out;
}

export const unsortedSegmentSumWasmConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
