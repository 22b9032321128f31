import type { ExtractorDefinition, StreamExtractor } from '../extractor-registry';
import { clipFaceRows } from '../clip-face-rows';
import { faceModelsOnFirstUse } from '../face-models';
import { FACE_TRACK_GEOMETRY } from '../face-track-extractor';
import { pixelRows } from '../face-pixel-rows';

/** The crop side when the options name none: AVT-CA's paper (EfficientFace on 224×224 faces). */
export const DEFAULT_CROP_SIZE = 224;

const FACE_SOURCES = { detect: 'blazeface', none: 'centre-crop', 'cropped-aligned': 'cropped-aligned' } as const;

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
    const rows = pixelRows(size);
    // BlazeFace opens on the first video (a corpus of audio files never opens it).
    const models = faceModelsOnFirstUse({ detect: o.faces !== 'none', embedder: async () => null });
    return {
      describe: () => ({
        extractor: `${FACE_SOURCES[o.faces]}+pixels`,
        dim: rows.dim,
        shape: [size, size, 3],
        config: { faces: o.faces, crop: size, detectEvery: o.detectEvery, geometry: FACE_TRACK_GEOMETRY, ...(o.face && o.face !== 'main' ? { select: o.face } : {}), ...(clip ?? {}) },
        standsInFor: null,
      }),
      async clip(file, span) {
        const { detector } = await models.get();
        return clipFaceRows(file.path, file.info, detector, rows, span, file.sources.person ?? o.face);
      },
      dispose: () => models.dispose(),
    };
  },
};
