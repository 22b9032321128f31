import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-kernel-registry';
import { heapOffset, merKernelsFor, WasmBackendLike } from './wasm/mer-kernels-module';

/**
 * The [d0, d1, d2] strided view of a slice (element strides s0, s1 and 1, start offset) once
 * size-1 axes are dropped and neighbouring axes that stay contiguous are merged; undefined when more
 * than three axes remain.
 */
export function sliceAsBlock(shape: number[], begin: number[], size: number[]): { offset: number; dims: [number, number, number]; strides: [number, number] } | undefined {
  const strides = tf.util.computeStrides(shape).concat([1]);
  let offset = 0;
  const axes: { size: number; stride: number }[] = [];
  for (let d = 0; d < shape.length; d++) {
    offset += begin[d] * strides[d];
    if (size[d] === 1) continue;
    const last = axes[axes.length - 1];
    if (last !== undefined && last.stride === size[d] * strides[d]) {
      last.size *= size[d];
      last.stride = strides[d];
    } else axes.push({ size: size[d], stride: strides[d] });
  }
  if (axes.length === 0 || axes[axes.length - 1].stride !== 1) axes.push({ size: 1, stride: 1 });
  if (axes.length > 3) return undefined;
  while (axes.length < 3) axes.unshift({ size: 1, stride: 0 });
  return { offset, dims: [axes[0].size, axes[1].size, axes[2].size], strides: [axes[0].stride, axes[1].stride] };
}

/**
 * tfjs-backend-wasm slices element by element unless the slice is one contiguous run (a [16, 300, 224]
 * → 7 × [16, 300, 32] split took 62 ms here). Slices that reduce to a strided block of rows are copied
 * row by row in mer's SIMD kernel.
 *
 * @returns x[begin : begin + size], or undefined when the fast path does not apply
 */
export function sliceFast(backend: unknown, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo | undefined {
  const kernels = merKernelsFor(backend);
  if (kernels === undefined || (x.dtype !== 'float32' && x.dtype !== 'int32')) return undefined;
  const block = tf.util.sizeFromShape(size) > 0 ? sliceAsBlock(x.shape, begin, size) : undefined;
  if (block === undefined) return undefined;
  const out = (backend as WasmBackendLike).makeOutput(size, x.dtype);
  const [d0, d1, d2] = block.dims;
  kernels.copyBlock(heapOffset(backend, x) + 4 * block.offset, heapOffset(backend, out), d0, d1, d2, block.strides[0], block.strides[1]);
  return out;
}

/** Routes wasm Slice and SplitV through {@link sliceFast} where it applies. Idempotent. */
export function installWasmSlice(): void {
  overrideWasmKernel('Slice', (stock) => (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, size);
    return sliceFast(args.backend, x, b, s) ?? stock(args);
  });
  overrideWasmKernel('SplitV', (stock) => (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, $axis);
    const begin = x.shape.map(() => 0);
    const outs: tf.TensorInfo[] = [];
    for (const s of sizes) {
      const size = [...x.shape];
      size[$axis] = s;
      const out = sliceFast(args.backend, x, [...begin], size);
      if (out === undefined) {
        for (const o of outs) (args.backend as unknown as WasmBackendLike).disposeData(o.dataId);
        return stock(args);
      }
      outs.push(out);
      begin[$axis] += s;
    }
    return outs;
  });
}
