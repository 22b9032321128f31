import * as tf from '@tensorflow/tfjs-core';
import type { FaceBox } from '../face-detector';

/** The eye line's angle in the frame, radians (BlazeFace keypoints 0 and 1: the eyes), 0 when unknown. */
export function eyeLineAngle(face: Pick<FaceBox, 'keypoints'>, width: number, height: number): number {
  const [a, b] = face.keypoints;
  if (!a || !b) return 0;
  return Math.atan2((b[1] - a[1]) * height, (b[0] - a[0]) * width);
}

/**
 * Square face crops turned upright by the eye line: the frame is rotated about each face's centre so
 * its eyes are level, then the face's box (enlarged to a square by `scale`, as human's detector does
 * with 1.4) is cut out and resized to `size`.
 * @param frame [H, W, 3] RGB 0–255
 * @returns [faces, size, size, 3] float 0–255
 */
export function alignedCrops(frame: tf.Tensor3D, faces: readonly Pick<FaceBox, 'box' | 'keypoints'>[], size: number, scale = 1.4): tf.Tensor4D {
  const [h, w] = frame.shape;
  return tf.tidy(() => {
    const image = tf.expandDims(tf.cast(frame, 'float32'), 0) as tf.Tensor4D;
    const crops = faces.map((f) => {
      const [x0, y0, x1, y1] = f.box;
      const cx = (x0 + x1) / 2;
      const cy = (y0 + y1) / 2;
      const side = Math.max((x1 - x0) * w, (y1 - y0) * h) * scale;
      const angle = eyeLineAngle(f, w, h);
      const upright = Math.abs(angle) > 1e-3 ? tf.image.rotateWithOffset(image, angle, 0, [cx, cy]) : image;
      const box = [cy - side / 2 / h, cx - side / 2 / w, cy + side / 2 / h, cx + side / 2 / w];
      return tf.image.cropAndResize(upright, [box], [0], [size, size]);
    });
    return crops.length > 0 ? (tf.concat(crops, 0) as tf.Tensor4D) : (tf.zeros([0, size, size, 3]) as tf.Tensor4D);
  });
}
