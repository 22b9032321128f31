import * as tf from '@tensorflow/tfjs-core';
import { clipFrameIndices } from '@mer/datasets';
import type { ExtractorDefinition, StreamExtractor } from '../extractor-registry';
import { FaceDetector } from '../face-detector';
import { extractFaceTrack, FACE_TRACK_GEOMETRY, type FrameEmbedder } from '../face-track-extractor';

/** The crop side when the options name none: AVT-CA's paper (EfficientFace on 224×224 faces). */
export const DEFAULT_CROP_SIZE = 224;

const FACE_SOURCES = { detect: 'blazeface', none: 'centre-crop', 'cropped-aligned': 'cropped-aligned' } as const;

/**
 * A "frame embedder" that keeps the crop itself: each [S, S, 3] crop becomes one row of S·S·3 pixels,
 * rounded and clipped to 0–255 exactly as {@link extractFaceCrops} does.
 */
export function pixelRows(size: number): FrameEmbedder {
  return {
    dim: size * size * 3,
    inputSize: size,
    embed: (crops: tf.Tensor4D) => tf.tidy(() => tf.reshape(tf.clipByValue(tf.round(crops), 0, 255), [crops.shape[0], size * size * 3]) as tf.Tensor2D), // [N, S·S·3]
  };
}

/**
 * Face crops kept as pixels: each sampled frame's face (BlazeFace + tracking, or the centred square),
 * cut square with the face track's margin and resized to `cropSize` (default 224): one row of
 * [S, S, 3] RGB 0–255 per frame, masked (zeros) where no face. For networks that learn their own face
 * encoder (AVT-CA's EfficientFace-style branch, preset `paper`). Stored as uint8: S·S·3 bytes a frame.
 */
export const faceCropsExtractor: ExtractorDefinition = {
  kind: 'face-crops',
  modality: 'visual',
  timings: ['clip'],
  values: 'pixels',
  about: 'BlazeFace + tracking (or centred crop): the face crops themselves, S×S×3 pixels a frame (uint8; --crop-size, default 224)',
  width: 'S·S·3 for crops of side S (224: 150528)',
  async create({ options: o, clip }): Promise<StreamExtractor> {
    const size = o.cropSize ?? DEFAULT_CROP_SIZE;
    if (!Number.isInteger(size) || size < 8 || size > 1024) throw new Error(`face-crops: crop size must be a whole number of pixels 8–1024, got ${size}`);
    if (o.faces === 'cropped-aligned') throw new Error("face-crops: the dataset's aligned crops (faces 'cropped-aligned') are per annotated frame; this extractor samples clips — use faces 'detect' or 'none'");
    const detector = o.faces !== 'none' ? await FaceDetector.load() : null;
    const rows = pixelRows(size);
    return {
      describe: () => ({
        extractor: `${FACE_SOURCES[o.faces]}+pixels`,
        dim: rows.dim,
        shape: [size, size, 3],
        config: { faces: o.faces, crop: size, detectEvery: o.detectEvery, geometry: FACE_TRACK_GEOMETRY, ...(o.face && o.face !== 'main' ? { select: o.face } : {}), ...(clip ?? {}) },
        standsInFor: null,
      }),
      async clip(file, span) {
        const { info } = file;
        const indices = clipFrameIndices(info.video!.frameCount, info.video!.fps, span);
        const unique = [...new Set(indices)].sort((a, b) => a - b);
        const track = await extractFaceTrack(file.path, detector, rows, { frameIndices: unique, info, select: file.sources.person ?? o.face });
        const dim = rows.dim;
        const data = new Float32Array(span.frames * dim);
        const mask = new Uint8Array(span.frames);
        indices.forEach((fi, r) => {
          const k = track.indices.indexOf(fi);
          data.set(track.features.subarray(k * dim, (k + 1) * dim), r * dim);
          mask[r] = track.mask[k];
        });
        const times = Float64Array.from(indices, (fi) => track.times[track.indices.indexOf(fi)]);
        return { data, mask, frames: span.frames, times };
      },
      dispose() {
        detector?.dispose();
      },
    };
  },
};
