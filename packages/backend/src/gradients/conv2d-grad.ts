import * as tf from '@tensorflow/tfjs-core';
import {
  allOnes,
  cropPadding,
  convGeometry,
  fromNHWC,
  hasNativeKernel,
  padInput,
  placeTap,
  sumTaps,
  tapSlice,
  toNHWC,
} from './conv-taps';
import { col2im, conv2dFilterGradKernel, hasConvGradKernels } from '../kernels/conv-grad-wasm';

/** The attributes tfjs-core records for Conv2D / Conv2DBackpropInput. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: any;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * ∂L/∂filter of a 2-D convolution (dilated or not) on any backend.
 *
 * Uses the backend's native `Conv2DBackpropFilter` when it has one and the conv is undilated;
 * on wasm, mer's one-pass kernel; elsewhere the taps of the padded input are gathered im2col-style
 * and contracted with `dy` in a single matMul.
 *
 * @param x [B, H, W, Ci] (or NCHW)
 * @param dy [B, OH, OW, Co] (or NCHW)
 * @returns [KH, KW, Ci, Co]
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
  if (allOnes(dilations) && hasNativeKernel('Conv2DBackpropFilter')) {
    return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
      strides,
      pad,
      dataFormat: dataFormat ?? 'NHWC',
      dimRoundingMode,
      filterShape,
    } as any) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const xh = toNHWC(x, dataFormat);
    const dyh = toNHWC(dy, dataFormat);
    const [kh, kw, ci, co] = filterShape;
    const g = convGeometry(xh.shape, filterShape, strides, dilations ?? 1, pad, dimRoundingMode);
    if (hasConvGradKernels() && xh.dtype === 'float32') return conv2dFilterGradKernel(xh, dyh, g);
    const n = g.batch * g.outHeight * g.outWidth;
    const dy2 = tf.reshape(dyh, [n, co]); // [N, Co]
    const xPad = padInput(xh, g);
    const taps: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) taps.push(tapSlice(xPad, g, i, j));
    // im2col: [B, OH, OW, KH·KW·Ci] → [N, KH·KW·Ci], tap-major like the filter layout.
    const cols = tf.reshape(taps.length === 1 ? taps[0] : tf.concat(taps, 3), [n, kh * kw * ci]);
    const dw = tf.matMul(cols, dy2, true, false); // [KH·KW·Ci, Co]
    return tf.reshape(dw, [kh, kw, ci, co]);
  });
}

/**
 * ∂L/∂x of a 2-D convolution (dilated or not) on any backend.
 *
 * Native `Conv2DBackpropInput` when undilated and present (except on wasm with mer's kernels);
 * otherwise one matMul of `dy` with the filter gives every tap's contribution, which is scattered
 * back onto the input grid (mer's one-pass col2im kernel on wasm, padded slices elsewhere).
 *
 * @param dy [B, OH, OW, Co] (or NCHW)
 * @param filter [KH, KW, Ci, Co]
 * @returns [B, H, W, Ci] (or NCHW)
 */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
  // tfjs-wasm's native Conv2DBackpropInput is a scalar loop (0.8 GFLOP/s here): mer's path is faster there.
  if (allOnes(dilations) && hasNativeKernel('Conv2DBackpropInput') && !(hasConvGradKernels() && dy.dtype === 'float32')) {
    return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, {
      strides,
      pad,
      dataFormat: dataFormat ?? 'NHWC',
      dimRoundingMode,
      inputShape,
    } as any) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const dyh = toNHWC(dy, dataFormat);
    const inShape: [number, number, number, number] =
      dataFormat === 'NCHW' ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]] : inputShape;
    const [kh, kw, ci, co] = filter.shape;
    const g = convGeometry(inShape, filter.shape, strides, dilations ?? 1, pad, dimRoundingMode);
    const n = g.batch * g.outHeight * g.outWidth;
    const dcols = tf.matMul(tf.reshape(dyh, [n, co]), tf.reshape(filter, [kh * kw * ci, co]), false, true); // [N, KH·KW·Ci]
    if (hasConvGradKernels() && dcols.dtype === 'float32') return fromNHWC(col2im(dcols as tf.Tensor2D, g), dataFormat);
    const dcols4 = tf.reshape(dcols, [g.batch, g.outHeight, g.outWidth, kh * kw * ci]);
    const placed: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const t = i * kw + j;
        const contrib = tf.slice(dcols4, [0, 0, 0, t * ci], [g.batch, g.outHeight, g.outWidth, ci]) as tf.Tensor4D; // [B, OH, OW, Ci]
        placed.push(placeTap(contrib, g, i, j));
      }
    }
    const dxPad = sumTaps(placed); // [B, Hp, Wp, Ci]
    return fromNHWC(cropPadding(dxPad, g), dataFormat);
  });
}

/** Gradient of Conv2D that also covers dilation > 1 and backends without backprop kernels. */
export const conv2dGradConfig: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as ConvAttrs;
    return {
      x: () => conv2dInputGrad(dy as tf.Tensor4D, filter, x.shape, a),
      filter: () => conv2dFilterGrad(x, dy as tf.Tensor4D, filter.shape, a),
    };
  },
};

/**
 * Gradient of Conv2DBackpropInput (the forward op of conv2dTranspose), whose filter gradient
 * needs Conv2DBackpropFilter, missing on wasm.
 */
export const conv2dBackpropInputGradConfig: tf.GradConfig = {
  kernelName: tf.Conv2DBackpropInput,
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx, saved, attrs) => {
    const [dy, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as ConvAttrs;
    return {
      dy: () => tf.conv2d(ddx as tf.Tensor4D, filter, a.strides, a.pad, a.dataFormat ?? 'NHWC', 1, a.dimRoundingMode),
      filter: () => conv2dFilterGrad(ddx as tf.Tensor4D, dy, filter.shape, a),
    };
  },
};
