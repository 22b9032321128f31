import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-kernel-registry';
import { heapOffset, merKernelsFor, WasmBackendLike } from './wasm/mer-kernels-module';

/**
 * tfjs-wasm's MaxPoolGrad took 158 ms for one [15, 56, 56, 29] ← [15, 114, 114, 29] 3×3/2 pool here (an
 * AVT-CA raw-mode stem). mer's kernel routes each dy value to its window's first maximum (tfjs' rule)
 * with channels in SIMD lanes.
 */
function maxPoolGrad(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const dy = args.inputs['dy'] as tf.TensorInfo;
    const x = args.inputs['input'] as tf.TensorInfo;
    const kernels = merKernelsFor(args.backend);
    if (kernels === undefined || x.dtype !== 'float32' || dy.dtype !== 'float32') return stock(args);
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    if (!tf.util.arraysEqual(info.outShape, dy.shape)) return stock(args);
    const out = (args.backend as unknown as WasmBackendLike).makeOutput(x.shape, 'float32');
    if (tf.util.sizeFromShape(x.shape) > 0) {
      kernels.maxPoolGrad(
        heapOffset(args.backend, x), heapOffset(args.backend, dy), heapOffset(args.backend, out),
        info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
        info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, 1, 1, info.padInfo.top, info.padInfo.left,
      );
    }
    return out;
  };
}

/** Routes wasm MaxPoolGrad through mer's kernel. Idempotent. */
export function installWasmMaxPoolGrad(): void {
  overrideWasmKernel(tf.MaxPoolGrad, maxPoolGrad);
}
