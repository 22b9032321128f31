import * as tf from '@tensorflow/tfjs-core';
import type { FrameEmbedder } from './face-track-extractor';

/**
 * A "frame embedder" that keeps the crop itself: each [S, S, 3] crop becomes one row of S·S·3 pixels,
 * rounded and clipped to 0–255 exactly as {@link extractFaceCrops} does. The rows of the `face-crops`
 * extractor (`mer extract`) and of a face-crops run in `mer live` are made here.
 */
export function pixelRows(size: number): FrameEmbedder {
  return {
    dim: size * size * 3,
    inputSize: size,
    embed: (crops: tf.Tensor4D) => tf.tidy(() => tf.reshape(tf.clipByValue(tf.round(crops), 0, 255), [crops.shape[0], size * size * 3]) as tf.Tensor2D), // [N, S·S·3]
  };
}
