import * as tf from '@tensorflow/tfjs-core';
import type { FaceBox } from '../face-detector';
import type { PixelFrame } from '../pixel-frame';

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

/** The floats a neighbourhood is copied through, one buffer grown as needed: each region tensor is used at once (rotated, cut) before the next is made. */
let scratch = new Float32Array(0);

/** Rows [y, y + h) and columns [x, x + w) of a frame, as [1, h, w, 3] float 0–255. */
function region(frame: tf.Tensor3D | PixelFrame, y: number, x: number, h: number, w: number): tf.Tensor4D {
  if (frame instanceof tf.Tensor) return tf.expandDims(tf.cast(tf.slice(frame, [y, x, 0], [h, w, 3]), 'float32'), 0) as tf.Tensor4D;
  // Only the face's neighbourhood becomes a tensor, not the whole frame.
  if (scratch.length < h * w * 3) scratch = new Float32Array(h * w * 3);
  const out = scratch.subarray(0, h * w * 3);
  for (let r = 0; r < h; r++) {
    const from = ((y + r) * frame.width + x) * 3;
    out.set(frame.data.subarray(from, from + w * 3), r * w * 3);
  }
  return tf.tensor4d(out, [1, h, w, 3]);
}

/**
 * Square face crops turned upright by the eye line: the frame is rotated about each face's centre so
 * its eyes are level, then the face's box (enlarged by `scale` and squared on the frame's pixel grid, as
 * human's detector does) is cut out and resized to `size`. Only the face's neighbourhood is rotated
 * (the pixels the crop can reach, on the same integer grid, so the samples are the whole frame's), and
 * a cut at `via` then resized to `size` is one cut with the box scaled to the samples the resize keeps
 * when `via` is a multiple of `size` (resizeBilinear without corner alignment samples every
 * (via/size)-th pixel exactly).
 * @param frame [H, W, 3] RGB 0–255: a tensor, or the decoded bytes (then only each face's neighbourhood is copied)
 * @returns [faces, size, size, 3] float 0–255
 */
export function alignedCrops(frame: tf.Tensor3D | PixelFrame, faces: readonly Pick<FaceBox, 'box' | 'keypoints'>[], size: number, options: CropOptions = {}): tf.Tensor4D {
  const [h, w] = frame instanceof tf.Tensor ? frame.shape : [frame.height, frame.width];
  const scale = options.scale ?? 1.4;
  const minAngle = Math.max(options.minAngle ?? 0, 1e-3);
  const cut = options.via ?? size;
  const step = cut % size === 0 ? cut / size : 0;
  return tf.tidy(() => {
    const crops = faces.map((f) => {
      const [x0, y0, x1, y1] = f.box;
      const half = (Math.max((x1 - x0) * w, (y1 - y0) * h) * scale) / 2;
      // The square on the pixel grid; the face is turned about its centre.
      const [left, top, right, bottom] = [((x0 + x1) / 2) * w - half, ((y0 + y1) / 2) * h - half, ((x0 + x1) / 2) * w + half, ((y0 + y1) / 2) * h + half].map(Math.round);
      const [cx, cy] = [(left + right) / 2, (top + bottom) / 2];
      const angle = options.upright === 'nose-mouth' ? noseMouthAngle(f, w, h) : eyeLineAngle(f, w, h);
      const rotate = Math.abs(angle) > minAngle;
      // Every pixel of the frame the crop's samples (and their bilinear neighbours) come from, rotated
      // or not; outside the frame both rotation and cropAndResize give 0, as on the whole frame.
      const reach = Math.ceil(Math.max(right - left, bottom - top) * (rotate ? Math.SQRT1_2 : 0.5)) + 3;
      const [ry, rx] = [Math.max(0, Math.floor(cy) - reach), Math.max(0, Math.floor(cx) - reach)];
      const [rh, rw] = [Math.min(h, Math.floor(cy) + reach + 2) - ry, Math.min(w, Math.floor(cx) + reach + 2) - rx];
      const near = region(frame, ry, rx, rh, rw);
      const upright = rotate ? tf.image.rotateWithOffset(near, angle, 0, [(cx - rx) / rw, (cy - ry) / rh]) : near;
      // The whole frame's sample positions (cropAndResize: start·(H − 1) + i·extent·(H − 1)/(n − 1)), in the region.
      const at = (v: number, n: number, origin: number, m: number) => ((v / n) * (n - 1) - origin) / (m - 1);
      const extent = (span: number, n: number, m: number) => ((span / n) * (n - 1)) / (m - 1);
      const [sy, sx] = [at(top, h, ry, rh), at(left, w, rx, rw)];
      const [ey, ex] = [extent(bottom - top, h, rh), extent(right - left, w, rw)];
      if (step) {
        // The samples `resizeBilinear(cut at via, size)` keeps: every step-th of the via cut's.
        const k = (step * (size - 1)) / (cut - 1);
        return tf.image.cropAndResize(upright, [[sy, sx, sy + k * ey, sx + k * ex]], [0], [size, size]);
      }
      const crop = tf.image.cropAndResize(upright, [[sy, sx, sy + ey, sx + ex]], [0], [cut, cut]);
      return cut === size ? crop : tf.image.resizeBilinear(crop, [size, size]);
    });
    return crops.length > 0 ? (tf.concat(crops, 0) as tf.Tensor4D) : (tf.zeros([0, size, size, 3]) as tf.Tensor4D);
  });
}
