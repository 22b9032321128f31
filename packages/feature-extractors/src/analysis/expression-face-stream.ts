import * as tf from '@tensorflow/tfjs-core';
import { MediaInfo, probe, readVideoFrames } from '@mer/media';
import { faceDecodeSize } from '../face-decode-size';
import type { DetectionGeometry, FaceBox, FaceDetector } from '../face-detector';
import { FaceFollower, FaceSelection } from '../face-follower';
import type { TrackedFace } from '../face-tracker';
import type { PixelFrame } from '../pixel-frame';
import { alignedCrops } from './aligned-crops';
import { EXPRESSION_CROPS, ExpressionCropMode } from './expression-classifier';

/** One decoded batch of `mer analyze`'s face side: the frames and the faces on each. */
export interface DetectedFaceBatch {
  firstIndex: number;
  count: number;
  /** [count] the frames' presentation times. */
  timestamps: Float64Array;
  fps: number;
  /** The decoded frames, [count, height, width, 3] RGB bytes. */
  frames: Uint8Array;
  width: number;
  height: number;
  /** Per frame: the faces on it (detected, or followed since the last detection). */
  faces: TrackedFace[][];
}

/** A batch with its expression crops cut. */
export interface ExpressionFaceBatch extends Omit<DetectedFaceBatch, 'frames'> {
  /** [faces in the batch, 64, 64, 3] RGB 0–255, frame by frame in `faces` order. */
  crops: Float32Array;
}

export interface ExpressionFaceOptions {
  /** Detector every N frames, faces followed in between. */
  detectEvery: number;
  /** How frames go to the detector; default `letterbox` ({@link EXPRESSION_DETECTION} per crop mode). */
  geometry?: DetectionGeometry;
  info?: MediaInfo;
}

/**
 * Which faces of a detection frame are kept, on which track; `largest` when only the largest face can
 * be kept (the detector may then skip its tiles: `DetectOptions.largest`).
 */
export type FacePick = ((faces: FaceBox[], frame: PixelFrame, time: number) => Promise<TrackedFace[]>) & { largest?: boolean };

/** One person followed by rule ('largest', 'main', 'left', 'right'): track id 1. */
export function followOne(select: FaceSelection): FacePick {
  const follower = new FaceFollower(select);
  const pick = async (faces: FaceBox[]) => {
    const f = follower.update(faces);
    return f ? [{ ...f, id: 1 }] : [];
  };
  return Object.assign(pick, { largest: select === 'largest' || select === 'main' });
}

/**
 * The detection side of `mer analyze`: decodes a video upright at its displayed size
 * ({@link faceDecodeSize}), runs the detector every `detectEvery` frames and keeps the faces `pick`
 * chooses, followed in between. Batch by batch; nothing is kept between batches but the faces being followed.
 */
export async function detectExpressionFaces(file: string, detector: FaceDetector, options: ExpressionFaceOptions, pick: FacePick, onBatch: (b: DetectedFaceBatch) => Promise<void>): Promise<void> {
  const every = Math.max(1, options.detectEvery);
  const info = options.info ?? (await probe(file));
  const geometry = options.geometry ?? 'letterbox';
  let current: TrackedFace[] = [];
  for await (const b of readVideoFrames(file, { ...faceDecodeSize(info), info })) {
    const size = b.height * b.width * 3;
    const faces: TrackedFace[][] = [];
    for (let i = 0; i < b.count; i++) {
      if ((b.firstIndex + i) % every === 0) {
        const frame = { data: b.data.subarray(i * size, (i + 1) * size), height: b.height, width: b.width };
        current = await pick(await detector.detectPixels(frame, { geometry, largest: pick.largest }), frame, b.timestamps[i]);
      }
      faces.push(current);
    }
    await onBatch({ firstIndex: b.firstIndex, count: b.count, timestamps: b.timestamps, fps: b.fps, frames: b.data, width: b.width, height: b.height, faces });
  }
}

/** Each frame's faces cut for the expression model ({@link EXPRESSION_CROPS}). */
export async function cropExpressionFaces(b: DetectedFaceBatch, mode: ExpressionCropMode = 'eyes'): Promise<ExpressionFaceBatch> {
  const size = b.height * b.width * 3;
  const crops: tf.Tensor4D[] = [];
  for (let i = 0; i < b.count; i++) {
    if (b.faces[i].length === 0) continue;
    crops.push(alignedCrops({ data: b.frames.subarray(i * size, (i + 1) * size), height: b.height, width: b.width }, b.faces[i], 64, EXPRESSION_CROPS[mode]));
  }
  const all = crops.length ? (tf.concat(crops, 0) as tf.Tensor4D) : null;
  const data = all ? ((await all.data()) as Float32Array) : new Float32Array(0);
  tf.dispose([...crops, ...(all ? [all] : [])]);
  return { firstIndex: b.firstIndex, count: b.count, timestamps: b.timestamps, fps: b.fps, width: b.width, height: b.height, faces: b.faces, crops: data };
}
