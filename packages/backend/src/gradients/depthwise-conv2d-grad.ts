import * as tf from '@tensorflow/tfjs-core';
import { allOnes, cropPadding, convGeometry, hasNativeKernel, padInput, placeTap, sumTaps, tapSlice } from './conv-taps';
import type { ConvAttrs } from './conv2d-grad';
import { depthwiseFilterGradKernel, depthwiseInputGradKernel, hasConvGradKernels } from '../kernels/conv-grad-wasm';

/**
 * ∂L/∂filter of a depthwise 2-D convolution (dilated or not) on any backend.
 * Native `DepthwiseConv2dNativeBackpropFilter` when undilated and present, mer's one-pass kernel on
 * wasm, else per-tap products.
 *
 * @param x [B, H, W, C]
 * @param dy [B, OH, OW, C·M]
 * @returns [KH, KW, C, M]
 */
export function depthwiseConv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  const { strides, pad, dilations, dimRoundingMode } = attrs;
  if (allOnes(dilations) && hasNativeKernel('DepthwiseConv2dNativeBackpropFilter')) {
    return tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
      strides,
      pad,
      dimRoundingMode,
      filterShape,
      dilations: 1,
    } as any) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const [kh, kw, c, m] = filterShape;
    const g = convGeometry(x.shape, filterShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
    if (hasConvGradKernels() && x.dtype === 'float32') return depthwiseFilterGradKernel(x, dy, g, m);
    const n = g.batch * g.outHeight * g.outWidth;
    const xPad = padInput(x, g);
    const dy3 = tf.reshape(dy, [n, c, m]); // [N, C, M]
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const xs = tf.reshape(tapSlice(xPad, g, i, j), [n, c, 1]); // [N, C, 1]
        taps.push(tf.sum(tf.mul(xs, dy3), 0)); // [C, M]
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, c, m]);
  });
}

/**
 * ∂L/∂x of a depthwise 2-D convolution (dilated or not) on any backend (mer's one-pass kernel on wasm).
 * @param dy [B, OH, OW, C·M]
 * @param filter [KH, KW, C, M]
 * @returns [B, H, W, C]
 */
export function depthwiseConv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  const { strides, pad, dilations, dimRoundingMode } = attrs;
  if (allOnes(dilations) && hasNativeKernel('DepthwiseConv2dNativeBackpropInput')) {
    return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, {
      strides,
      pad,
      dimRoundingMode,
      inputShape,
      dilations: 1,
    } as any) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const [kh, kw, c, m] = filter.shape;
    const g = convGeometry(inputShape, filter.shape, strides, dilations ?? 1, pad, dimRoundingMode, true);
    if (hasConvGradKernels() && dy.dtype === 'float32') return depthwiseInputGradKernel(dy, filter, g);
    const dy5 = tf.reshape(dy, [g.batch, g.outHeight, g.outWidth, c, m]); // [B, OH, OW, C, M]
    const placed: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const w = tf.reshape(tf.slice(filter, [i, j, 0, 0], [1, 1, c, m]), [c, m]); // [C, M]
        const contrib = tf.sum(tf.mul(dy5, w), 4) as tf.Tensor4D; // [B, OH, OW, C]
        placed.push(placeTap(contrib, g, i, j));
      }
    }
    const dxPad = sumTaps(placed);
    return cropPadding(dxPad, g);
  });
}

/** Gradient of DepthwiseConv2dNative for dilation > 1 and for backends without its backprop kernels (wasm). */
export const depthwiseConv2dGradConfig: tf.GradConfig = {
  kernelName: tf.DepthwiseConv2dNative,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as ConvAttrs;
    return {
      x: () => depthwiseConv2dInputGrad(dy as tf.Tensor4D, filter, x.shape, a),
      filter: () => depthwiseConv2dFilterGrad(x, dy as tf.Tensor4D, filter.shape, a),
    };
  },
};
