import * as tf from '@tensorflow/tfjs-core';
import type { ConvGeometry } from '../gradients/conv-taps';
import { registerWasmKernel, runsOnActiveBackend } from './wasm-kernel-registry';
import { heapOffset, requireMerKernels, WasmBackendLike, withScratch } from './wasm/mer-kernels-module';

/**
 * Convolution-gradient kernels for wasm (registered for wasm only; other backends build the same
 * results from ops). tfjs-wasm has no Conv2DBackpropFilter, and nothing on any backend differentiates
 * dilated convolutions; the ops-built fills gather one slice (and pad, and concat) per filter tap, which
 * were 55 % + 11 % + 5 % of a TCN-fusion training step on wasm (and strided slices half of an AVT-CA
 * raw-mode step, in the depthwise gradients). These do each in one pass.
 */
export const MER_CONV2D_FILTER_GRAD = 'MerConv2DFilterGrad';
export const MER_COL2IM = 'MerCol2Im';
export const MER_DEPTHWISE_FILTER_GRAD = 'MerDepthwiseFilterGrad';
export const MER_DEPTHWISE_INPUT_GRAD = 'MerDepthwiseInputGrad';

function geometryArgs(g: ConvGeometry): number[] {
  return [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padLeft];
}

/** True when the active backend runs {@link conv2dFilterGradKernel} and {@link col2im} (wasm with mer's kernels). */
export function hasConvGradKernels(): boolean {
  return runsOnActiveBackend(MER_CONV2D_FILTER_GRAD);
}

/**
 * ∂L/∂filter of a 2-D convolution in one pass: per tap and output row, an in-place product of the
 * input slice the tap reads with dy, accumulated (no im2col buffer).
 *
 * @param x [B, H, W, Ci] float32
 * @param dy [B, OH, OW, Co] float32
 * @returns [KH, KW, Ci, Co]
 */
export function conv2dFilterGradKernel(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.engine().runKernel(MER_CONV2D_FILTER_GRAD, { x, dy }, { geometry: geometryArgs(g) } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * col2im: sums each output position's per-tap values back onto the input positions the taps read.
 * The input gradient of a convolution is col2im(dy · filterᵀ).
 *
 * @param cols [B·OH·OW, KH·KW·Ci] float32, tap-major like a [KH, KW, Ci, ·] filter
 * @returns [B, H, W, Ci]
 */
export function col2im(cols: tf.Tensor2D, g: ConvGeometry): tf.Tensor4D {
  return tf.engine().runKernel(MER_COL2IM, { x: cols }, { geometry: geometryArgs(g) } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * The two gradients of a depthwise convolution in one pass each (wasm has no depthwise backprop
 * kernels at all).
 *
 * @param x [B, H, W, C] float32
 * @param dy [B, OH, OW, C·M] float32
 * @returns [KH, KW, C, M]
 */
export function depthwiseFilterGradKernel(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry, multiplier: number): tf.Tensor4D {
  return tf.engine().runKernel(MER_DEPTHWISE_FILTER_GRAD, { x, dy }, { geometry: geometryArgs(g), multiplier } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * @param dy [B, OH, OW, C·M] float32
 * @param filter [KH, KW, C, M] float32
 * @returns [B, H, W, C]
 */
export function depthwiseInputGradKernel(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.engine().runKernel(MER_DEPTHWISE_INPUT_GRAD, { dy, filter }, { geometry: geometryArgs(g) } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

function checked(x: tf.TensorInfo, kernel: string, what: string, size: number): void {
  if (x.dtype !== 'float32') throw new Error(`${kernel}: float32 ${what} expected, got ${x.dtype}`);
  if (tf.util.sizeFromShape(x.shape) !== size) throw new Error(`${kernel}: ${what} [${x.shape}] does not match the convolution geometry`);
}

const filterGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const dy = inputs['dy'] as tf.TensorInfo;
  const g = (attrs as unknown as { geometry: number[] }).geometry;
  const [b, h, w, c, oh, ow, kh, kw] = g;
  const co = dy.shape[dy.shape.length - 1];
  checked(x, MER_CONV2D_FILTER_GRAD, 'input', b * h * w * c);
  checked(dy, MER_CONV2D_FILTER_GRAD, 'dy', b * oh * ow * co);
  const out = (backend as unknown as WasmBackendLike).makeOutput([kh, kw, c, co], 'float32');
  const kernels = requireMerKernels(backend);
  if (kh * kw * c * co > 0) {
    withScratch(backend, kernels.packFloats, (pack) => kernels.conv2dFilterGrad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, out), pack, co, ...g));
  }
  return out;
};

const col2imKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const cols = inputs['x'] as tf.TensorInfo;
  const g = (attrs as unknown as { geometry: number[] }).geometry;
  const [b, h, w, c, oh, ow, kh, kw] = g;
  checked(cols, MER_COL2IM, 'columns', b * oh * ow * kh * kw * c);
  const out = (backend as unknown as WasmBackendLike).makeOutput([b, h, w, c], 'float32');
  if (b * h * w * c > 0) requireMerKernels(backend).col2im(heapOffset(backend, cols), heapOffset(backend, out), ...g);
  return out;
};

const depthwiseFilterGradFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const dy = inputs['dy'] as tf.TensorInfo;
  const { geometry: g, multiplier: cm } = attrs as unknown as { geometry: number[]; multiplier: number };
  const [b, h, w, c, oh, ow, kh, kw] = g;
  checked(x, MER_DEPTHWISE_FILTER_GRAD, 'input', b * h * w * c);
  checked(dy, MER_DEPTHWISE_FILTER_GRAD, 'dy', b * oh * ow * c * cm);
  const out = (backend as unknown as WasmBackendLike).makeOutput([kh, kw, c, cm], 'float32');
  if (kh * kw * c * cm > 0) requireMerKernels(backend).depthwiseFilterGrad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, out), cm, ...g);
  return out;
};

const depthwiseInputGradFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = inputs['dy'] as tf.TensorInfo;
  const filter = inputs['filter'] as tf.TensorInfo;
  const g = (attrs as unknown as { geometry: number[] }).geometry;
  const [b, h, w, c, oh, ow, kh, kw] = g;
  const cm = filter.shape[3];
  checked(filter, MER_DEPTHWISE_INPUT_GRAD, 'filter', kh * kw * c * cm);
  checked(dy, MER_DEPTHWISE_INPUT_GRAD, 'dy', b * oh * ow * c * cm);
  const out = (backend as unknown as WasmBackendLike).makeOutput([b, h, w, c], 'float32');
  if (b * h * w * c > 0) requireMerKernels(backend).depthwiseInputGrad(heapOffset(backend, dy), heapOffset(backend, filter), heapOffset(backend, out), cm, ...g);
  return out;
};

/** Registers the kernels for wasm. Idempotent. */
export function installWasmConvGrad(): void {
  registerWasmKernel(MER_CONV2D_FILTER_GRAD, filterGradKernel);
  registerWasmKernel(MER_COL2IM, col2imKernel);
  registerWasmKernel(MER_DEPTHWISE_FILTER_GRAD, depthwiseFilterGradFunc);
  registerWasmKernel(MER_DEPTHWISE_INPUT_GRAD, depthwiseInputGradFunc);
}
