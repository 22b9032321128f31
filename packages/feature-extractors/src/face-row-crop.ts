import type * as tf from '@tensorflow/tfjs-core';
import { alignedCrops } from './analysis/aligned-crops';
import type { FaceBox } from './face-detector';
import type { PixelFrame } from './pixel-frame';

/**
 * The geometry face features are made with, recorded in a feature store's config so that features of
 * another geometry are refused rather than mixed: frames upright at their displayed size, detection
 * letterboxed (tiled, refined), crops square in pixels from the decoded frame. Version 1 (unnamed):
 * 320-wide frames, rotation metadata squashed, crops square in normalised coordinates.
 */
export const FACE_TRACK_GEOMETRY = 'upright-letterboxed/2';

/** The margin the `face` extractor adds around a detected face before cropping it: 0.2 of its longer side. */
export const FACE_ROW_MARGIN = 0.2;

/**
 * The region a `face` row embeds: a square (in the frame's pixels) about the detected box's centre, its
 * longer side enlarged by `margin`; normalised [x0, y0, x1, y1] (may reach past the frame: the crop pads).
 */
export function faceRowBox(box: FaceBox['box'], width: number, height: number, margin = FACE_ROW_MARGIN): FaceBox['box'] {
  const [x0, y0, x1, y1] = box;
  const side = Math.max((x1 - x0) * width, (y1 - y0) * height) * (1 + margin);
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  const [hx, hy] = [side / width / 2, side / height / 2];
  return [cx - hx, cy - hy, cx + hx, cy + hy];
}

/** The centred square of a width × height frame, normalised: the crop when no detector is used. */
export function centreSquare(width: number, height: number): FaceBox['box'] {
  const side = Math.min(width, height);
  const dx = side / width / 2;
  const dy = side / height / 2;
  return [0.5 - dx, 0.5 - dy, 0.5 + dx, 0.5 + dy];
}

/**
 * One frame's crop of a region as the `face` extractor cuts it for its embedder: the square as it is
 * (never enlarged again, never turned upright), resized to `size`. `mer extract` and `mer live --run`
 * both cut their face rows here.
 * @param frame [H, W, 3] RGB 0–255, a tensor or the decoded bytes
 * @param region normalised square ({@link faceRowBox}, or {@link centreSquare} when no detector runs)
 * @returns [1, size, size, 3] RGB 0–255
 */
export function faceRowCrop(frame: tf.Tensor3D | PixelFrame, region: FaceBox['box'], size: number): tf.Tensor4D {
  return alignedCrops(frame, [{ box: region, keypoints: [] }], size, { scale: 1, minAngle: Infinity });
}
