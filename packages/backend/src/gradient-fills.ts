import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients itself; tfjs-layers' node build registers all of core's
// gradient functions on load (as the @tensorflow/tfjs bundle does). Ours are registered after it.
import '@tensorflow/tfjs-layers';
import { conv2dBackpropInputGradConfig, conv2dGradConfig } from './gradients/conv2d-grad';
import { depthwiseConv2dGradConfig } from './gradients/depthwise-conv2d-grad';
import { installWasmIdentity } from './kernels/identity-wasm';
import { installWasmLayerNorm } from './kernels/layer-norm-wasm';
import { installWasmLeakyRelu, leakyReluGradConfig } from './kernels/leaky-relu-wasm';
import { installWasmSlice } from './kernels/slice-wasm';
import { installWasmAdamW } from './kernels/adamw-wasm';
import { installWasmBroadcastBinary } from './kernels/broadcast-binary-wasm';
import { installWasmConvGrad } from './kernels/conv-grad-wasm';
import { installWasmMatMul } from './kernels/matmul-wasm';
import { installWasmMaxPoolGrad } from './kernels/max-pool-grad-wasm';
import { installWasmSum } from './kernels/sum-wasm';
import { installWasmTranspose } from './kernels/transpose-wasm';
import { unsortedSegmentSumWasmConfig } from './kernels/unsorted-segment-sum-wasm';

/** What @mer/backend adds to tfjs so that every mer layer trains on every backend. */
export const GRADIENT_FILLS = [
  'Conv2D gradient: dilation > 1 on every backend; filter gradient on wasm (no Conv2DBackpropFilter)',
  'Conv2DBackpropInput gradient (conv2dTranspose): filter gradient on wasm',
  'DepthwiseConv2dNative gradient: dilation > 1 everywhere; wasm has no DepthwiseConv2dNativeBackprop{Filter,Input}',
  'UnsortedSegmentSum kernel for wasm (gradient of gather / embedding lookups)',
  'rfft / powerSpectrum as DFT matMuls (wasm has no complex dtype, so no FFT kernels)',
  'wasm BatchMatMul/_FusedMatMul with transposed operands: transpose first, then the fast XNNPACK path (10–50× faster backward passes)',
  'wasm batched BatchMatMul (attention products) in mer\'s SIMD kernel instead of the stock scalar loop',
  'wasm Transpose of two neighbouring axis blocks and Sum / Mean over a leading block of axes in mer\'s SIMD kernels',
  'wasm Identity shares its input buffer (reference-counted) instead of copying it',
  'wasm Slice / SplitV of strided row blocks copied row by row in mer\'s SIMD kernel',
  'wasm kernels for the convolution filter gradient (in-place products, no im2col buffer) and col2im (input gradient of dilated convs): one pass instead of per-tap slices, pads and concats',
  'wasm LeakyRelu and its gradient as one SIMD pass each (the gradient was greater + mul + where)',
  'wasm LayerNorm forward and backward (dx, dγ, dβ) as one kernel each, behind the layerNorm op',
  'wasm Add/Sub/Multiply/RealDiv with a scalar or a row broadcast along leading axes in one SIMD pass',
  'wasm MaxPoolGrad in one SIMD pass (first maximum of each window, as tfjs)',
  'wasm AdamW step fused into one kernel per parameter (bit-identical to the op-by-op update)',
] as const;

let installed = false;

/**
 * Registers the gradient and kernel fills once per tfjs-core instance. Idempotent. Called when
 * `@mer/backend` is imported and again by `initBackend`.
 */
export function installGradientFills(): void {
  if (installed) return;
  tf.registerGradient(conv2dGradConfig);
  tf.registerGradient(conv2dBackpropInputGradConfig);
  tf.registerGradient(depthwiseConv2dGradConfig);
  tf.registerGradient(leakyReluGradConfig);
  if (tf.getKernel(unsortedSegmentSumWasmConfig.kernelName, 'wasm') === undefined) {
    tf.registerKernel(unsortedSegmentSumWasmConfig);
  }
  installed = true;
}

/** Kernel fixes for tfjs-backend-wasm; needs its kernels registered, so runs once it is loaded. */
export function installWasmKernelFixes(): void {
  installGradientFills();
  installWasmTranspose();
  installWasmSum();
  installWasmMatMul();
  installWasmConvGrad();
  installWasmAdamW();
  installWasmLeakyRelu();
  installWasmLayerNorm();
  installWasmBroadcastBinary();
  installWasmMaxPoolGrad();
  installWasmIdentity();
  installWasmSlice();
}
