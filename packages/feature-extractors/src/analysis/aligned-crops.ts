import * as tf from '@tensorflow/tfjs-core';
import type { FaceBox } from '../face-detector';

/** The eye line's angle in the frame, radians (BlazeFace keypoints 0 and 1: the eyes), 0 when unknown. */
export function eyeLineAngle(face: Pick<FaceBox, 'keypoints'>, width: number, height: number): number {
  const [a, b] = face.keypoints;
  if (!a || !b) return 0;
  return Math.atan2((b[1] - a[1]) * height, (b[0] - a[0]) * width);
}

/**
 * The angle of the nose–mouth line from vertical, radians (BlazeFace keypoints 3 → 2), as
 * `@vladmandic/human` computes it to turn a face upright when no mesh is run; 0 when unknown.
 */
export function noseMouthAngle(face: Pick<FaceBox, 'keypoints'>, width: number, height: number): number {
  const nose = face.keypoints[2];
  const mouth = face.keypoints[3];
  if (!nose || !mouth) return 0;
  const a = Math.PI / 2 - Math.atan2(-(nose[1] - mouth[1]) * height, (nose[0] - mouth[0]) * width);
  return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
}

/** How {@link alignedCrops} cuts a face out. */
export interface CropOptions {
  /** The box is enlarged by this factor around its centre and squared (its longer side). Default 1.4, as human's detector. */
  scale?: number;
  /** Cut at this side first, then resize bilinearly to the final size (human cuts at the detector's 256). Default: straight to the final size. */
  via?: number;
  /** Rotate upright only when the face tilts more than this (radians). Default 0: always. Human's pipeline: 0.2. */
  minAngle?: number;
  /** What says the face is upright: level eyes (default) or a vertical nose–mouth line (human's; shorter, so noisier). */
  upright?: 'eyes' | 'nose-mouth';
}

/**
 * Square face crops turned upright by the eye line: the frame is rotated about each face's centre so
 * its eyes are level, then the face's box (enlarged by `scale` and squared on the frame's pixel grid, as
 * human's detector does) is cut out and resized to `size`.
 * @param frame [H, W, 3] RGB 0–255
 * @returns [faces, size, size, 3] float 0–255
 */
export function alignedCrops(frame: tf.Tensor3D, faces: readonly Pick<FaceBox, 'box' | 'keypoints'>[], size: number, options: CropOptions = {}): tf.Tensor4D {
  const [h, w] = frame.shape;
  const scale = options.scale ?? 1.4;
  const minAngle = Math.max(options.minAngle ?? 0, 1e-3);
  const cut = options.via ?? size;
  return tf.tidy(() => {
    const image = tf.expandDims(tf.cast(frame, 'float32'), 0) as tf.Tensor4D;
    const crops = faces.map((f) => {
      const [x0, y0, x1, y1] = f.box;
      const half = (Math.max((x1 - x0) * w, (y1 - y0) * h) * scale) / 2;
      // The square on the pixel grid; the face is turned about its centre.
      const [left, top, right, bottom] = [((x0 + x1) / 2) * w - half, ((y0 + y1) / 2) * h - half, ((x0 + x1) / 2) * w + half, ((y0 + y1) / 2) * h + half].map(Math.round);
      const angle = options.upright === 'nose-mouth' ? noseMouthAngle(f, w, h) : eyeLineAngle(f, w, h);
      const upright = Math.abs(angle) > minAngle ? tf.image.rotateWithOffset(image, angle, 0, [(left + right) / 2 / w, (top + bottom) / 2 / h]) : image;
      const box = [top / h, left / w, bottom / h, right / w];
      const crop = tf.image.cropAndResize(upright, [box], [0], [cut, cut]);
      return cut === size ? crop : tf.image.resizeBilinear(crop, [size, size]);
    });
    return crops.length > 0 ? (tf.concat(crops, 0) as tf.Tensor4D) : (tf.zeros([0, size, size, 3]) as tf.Tensor4D);
  });
}
