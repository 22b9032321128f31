import * as tf from '@tensorflow/tfjs-core';

/**
 * Geometry of a 2-D convolution in NHWC, shared by the conv and depthwise-conv gradients.
 * Built from tfjs-core's own `computeConv2DInfo`, so padding ('same', 'valid', explicit) and
 * rounding follow exactly what the forward kernel did.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  /** Height and width of the zero-padded input the taps are read from. */
  paddedHeight: number;
  paddedWidth: number;
}

export function convGeometry(
  inShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  dilations: number | [number, number],
  pad: any,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  depthwise = false,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  const spanH = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1;
  const spanW = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1;
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    // At least the input plus its padding, and at least what the last tap reads.
    paddedHeight: Math.max(info.inHeight + info.padInfo.top + info.padInfo.bottom, spanH),
    paddedWidth: Math.max(info.inWidth + info.padInfo.left + info.padInfo.right, spanW),
  };
}

/** The input, zero-padded as the forward pass saw it. @param x [B, H, W, C] → [B, Hp, Wp, C] */
export function padInput(x: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.pad(x, [
    [0, 0],
    [g.padTop, g.paddedHeight - g.inHeight - g.padTop],
    [g.padLeft, g.paddedWidth - g.inWidth - g.padLeft],
    [0, 0],
  ]);
}

/**
 * The input values that filter tap (kh, kw) multiplies at every output position.
 * @param xPad [B, Hp, Wp, C] → [B, OH, OW, C]
 */
export function tapSlice(xPad: tf.Tensor4D, g: ConvGeometry, kh: number, kw: number): tf.Tensor4D {
  const h0 = kh * g.dilationHeight;
  const w0 = kw * g.dilationWidth;
  const c = xPad.shape[3];
  if (g.strideHeight === 1 && g.strideWidth === 1) {
    return tf.slice(xPad, [0, h0, w0, 0], [g.batch, g.outHeight, g.outWidth, c]);
  }
  return tf.stridedSlice(
    xPad,
    [0, h0, w0, 0],
    [g.batch, h0 + (g.outHeight - 1) * g.strideHeight + 1, w0 + (g.outWidth - 1) * g.strideWidth + 1, c],
    [1, g.strideHeight, g.strideWidth, 1],
  ) as tf.Tensor4D;
}

/**
 * The adjoint of {@link tapSlice}: scatters per-output-position values back onto the padded input
 * grid at the positions tap (kh, kw) read from (zeros elsewhere).
 * @param contrib [B, OH, OW, C] → [B, Hp, Wp, C]
 */
export function placeTap(contrib: tf.Tensor4D, g: ConvGeometry, kh: number, kw: number): tf.Tensor4D {
  const [b, oh, ow, c] = contrib.shape;
  let spread: tf.Tensor4D = contrib;
  if (g.strideHeight > 1 || g.strideWidth > 1) {
    // Interleave (stride − 1) zeros after every row/column: [B, OH, 1, OW, 1, C] → [B, OH·sh, OW·sw, C].
    const withZeros = tf.pad(tf.reshape(contrib, [b, oh, 1, ow, 1, c]), [
      [0, 0],
      [0, 0],
      [0, g.strideHeight - 1],
      [0, 0],
      [0, g.strideWidth - 1],
      [0, 0],
    ]);
    const dense = tf.reshape(withZeros, [b, oh * g.strideHeight, ow * g.strideWidth, c]) as tf.Tensor4D;
    spread = tf.slice(dense, [0, 0, 0, 0], [b, (oh - 1) * g.strideHeight + 1, (ow - 1) * g.strideWidth + 1, c]);
  }
  const h0 = kh * g.dilationHeight;
  const w0 = kw * g.dilationWidth;
  return tf.pad(spread, [
    [0, 0],
    [h0, g.paddedHeight - h0 - spread.shape[1]],
    [w0, g.paddedWidth - w0 - spread.shape[2]],
    [0, 0],
  ]);
}

/**
 * WebGPU guarantees 8 storage buffers per shader stage, and tfjs-backend-webgpu binds each AddN input
 * and its output as one: an AddN of more than 7 tensors fails there (an invalid compute pipeline,
 * the result left unwritten).
 */
const ADD_N_MAX_INPUTS = 7;

/** Σ of the placed taps, in AddNs of at most 7 tensors so that every backend can run them. @param taps [B, Hp, Wp, C] each */
export function sumTaps(taps: tf.Tensor4D[]): tf.Tensor4D {
  let parts = taps;
  while (parts.length > 1) {
    const next: tf.Tensor4D[] = [];
    for (let i = 0; i < parts.length; i += ADD_N_MAX_INPUTS) {
      const chunk = parts.slice(i, i + ADD_N_MAX_INPUTS);
      next.push(chunk.length === 1 ? chunk[0] : (tf.addN(chunk) as tf.Tensor4D));
    }
    parts = next;
  }
  return parts[0];
}

/** Crops the padding back off. @param xPad [B, Hp, Wp, C] → [B, H, W, C] */
export function cropPadding(xPad: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.slice(xPad, [0, g.padTop, g.padLeft, 0], [g.batch, g.inHeight, g.inWidth, xPad.shape[3]]);
}

/** True when the active backend has a native kernel of this name. */
export function hasNativeKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

export function allOnes(v: number | number[] | undefined): boolean {
  if (v === undefined) return true;
  return (Array.isArray(v) ? v : [v]).every((d) => d === 1);
}

/** NCHW ↔ NHWC for the few callers that use channels-first. */
export function toNHWC<T extends tf.Tensor4D>(x: T, dataFormat: string | undefined): tf.Tensor4D {
  return dataFormat === 'NCHW' ? (tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D) : x;
}
export function fromNHWC(x: tf.Tensor4D, dataFormat: string | undefined): tf.Tensor4D {
  return dataFormat === 'NCHW' ? (tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D) : x;
}
