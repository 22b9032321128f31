import * as tf from '@tensorflow/tfjs-core';
import { FaceDetector } from './face-detector';
import { extractFaceTrack, FaceTrackOptions } from './face-track-extractor';

/** Square face crops of one video (or of its sampled frames). */
export interface FaceCrops {
  /** [N, size, size, 3] RGB uint8, row-major; zeros where no face. */
  pixels: Uint8Array;
  size: number;
  /** Decoded frame index of each crop. */
  indices: number[];
  /** [N]: 1 where a face was found. */
  mask: Uint8Array;
  fps: number;
}

/**
 * Face crops at a fixed size (112×112 for IResNet/ArcFace-style encoders, 224×224 for Swin and
 * AVT-CA's raw-frame mode), with the same detection, tracking and margin as {@link extractFaceTrack}.
 * Crops are axis-aligned squares around the detected box (no rotation by the eye line).
 */
export async function extractFaceCrops(file: string, detector: FaceDetector | null, options: FaceTrackOptions & { size?: 112 | 224 | number } = {}): Promise<FaceCrops> {
  const size = options.size ?? 224;
  const parts: Uint8Array[] = [];
  const collector = {
    dim: 1,
    inputSize: size,
    async embed(crops: tf.Tensor4D): Promise<tf.Tensor2D> {
      const u8 = tf.tidy(() => tf.cast(tf.clipByValue(tf.round(crops), 0, 255), 'int32'));
      parts.push(Uint8Array.from(await u8.data()));
      u8.dispose();
      return tf.zeros([crops.shape[0], 1]) as tf.Tensor2D;
    },
  };
  // The track embeds only frames with a face, in frame order: place the collected crops by mask.
  const track = await extractFaceTrack(file, detector, collector, options);
  const frameBytes = size * size * 3;
  const pixels = new Uint8Array(track.frames * frameBytes);
  const faces = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    faces.set(p, at);
    at += p.length;
  }
  let k = 0;
  for (let r = 0; r < track.frames; r++) {
    if (!track.mask[r]) continue;
    pixels.set(faces.subarray(k * frameBytes, (k + 1) * frameBytes), r * frameBytes);
    k++;
  }
  return { pixels, size, indices: track.indices, mask: track.mask, fps: track.fps };
}
