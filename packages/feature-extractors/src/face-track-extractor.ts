import * as tf from '@tensorflow/tfjs-core';
import { FrameCountCheck, MediaInfo, probe, readVideoFrames } from '@mer/media';
import { faceDecodeSize } from './face-decode-size';
import { FaceBox, FaceDetector } from './face-detector';
import { FaceFollower, FaceSelection } from './face-follower';
import { centreSquare, FACE_ROW_MARGIN, faceRowBox, faceRowCrop } from './face-row-crop';

export interface FaceTrackOptions {
  /** Run the detector every N frames and track the main face in between. Default 5. */
  detectEvery?: number;
  /** Extra margin around the detected box, as a fraction of its size. Default 0.2. */
  margin?: number;
  /** Decode width; default the displayed size ({@link faceDecodeSize}: crops are cut from the source's pixels). */
  decodeWidth?: number;
  /** Frames decoded per batch. Default 16 (fewer for frames over 1280 × 540: `FACE_DECODE`). */
  batchSize?: number;
  /**
   * Only these decoded frames (ascending), e.g. AVT-CA's 15 frames per clip; the detector runs on
   * each of them. Default: every frame.
   */
  frameIndices?: readonly number[];
  /**
   * With `frameIndices`: the frame count they were picked from, checked on the decode (`frameCount` of
   * `readVideoFrames`): another count throws `FrameCountMismatch` from `@mer/media` naming the decoded one.
   */
  frameCount?: FrameCountCheck;
  info?: MediaInfo;
  /**
   * Which face to follow when several are seen: 'main' (default: largest × most confident),
   * 'largest', or the 'left' / 'right' person of a two-person video (the left-most / right-most face
   * where both are detected; where only one is, the one nearest the box this track last had).
   */
  select?: FaceSelection;
  /**
   * Streaming: called with each decoded batch's rows as they are ready. The returned track then holds
   * no features (`features` empty, `mask`/`boxes` still per frame are not kept either): memory stays
   * one batch whatever the video length.
   */
  onBatch?: (batch: { firstRow: number; count: number; features: Float32Array; mask: Uint8Array; times: Float64Array; faces: FaceRows; fps: number }) => Promise<void> | void;
}

export { FACE_TRACK_GEOMETRY } from './face-row-crop';

/** Per row: the face used, in the source video's (displayed) pixels (OpenFace's face_x/y/w/h), and its detection score. */
export interface FaceRows {
  /** [T, 4] x, y, width, height; NaN where no face. */
  boxes: Float32Array;
  /** [T] the detector's score (tracked rows keep their detection's); 0 where no face, 1 without a detector. */
  scores: Float32Array;
}

function faceRows(list: ({ box: FaceBox['box']; score: number } | null)[], width: number, height: number): FaceRows {
  const boxes = new Float32Array(list.length * 4).fill(NaN);
  const scores = new Float32Array(list.length);
  list.forEach((f, i) => {
    if (!f) return;
    const [x0, y0, x1, y1] = f.box;
    boxes.set([x0 * width, y0 * height, (x1 - x0) * width, (y1 - y0) * height], i * 4);
    scores[i] = f.score;
  });
  return { boxes, scores };
}

/** What embeds face crops: the shipped {@link FaceEmbedder} or a hub image encoder. */
export interface FrameEmbedder {
  readonly dim: number;
  /** Crop side the encoder takes. */
  readonly inputSize: number;
  /** @param crops [N, S, S, 3] RGB 0–255 @returns [N, dim] */
  embed(crops: tf.Tensor4D): tf.Tensor2D | Promise<tf.Tensor2D>;
}

/** Per-frame face features of one video, aligned to its decoded frames. */
export interface FaceTrack {
  /** [T, D] row-major; zeros where no face. */
  features: Float32Array;
  dim: number;
  frames: number;
  /** [T]: 1 where a face was found (detected or tracked), 0 otherwise. */
  mask: Uint8Array;
  /** Decoded frame index of each row (every frame unless `frameIndices` was given). */
  indices: number[];
  /** Per frame: the main face box used (normalised [x0, y0, x1, y1]), or null. */
  boxes: (FaceBox['box'] | null)[];
  /** [T] each row's presentation time, seconds (a variable-rate video's own times). */
  times: Float64Array;
  /** Per row: the face box in source pixels and its score. */
  faces: FaceRows;
  /** The video's nominal rate. */
  fps: number;
}

/**
 * Streams a video upright at its displayed size ({@link faceDecodeSize}), detects the main face every `detectEvery` frames (the largest, most confident;
 * tracked in between by reusing its box; a face lost or not yet seen is looked for again at the next
 * detection frame, so faceless stretches cost one detection per N frames), crops it square (in pixels,
 * from the decoded frame's bytes) with a margin, and embeds it. Frames
 * without a face are kept and masked, never dropped, so features stay aligned to frame indices.
 * Memory: one decoded batch at a time. With `detector: null` the video is taken to show a face
 * already (e.g. Aff-Wild2's cropped_aligned, or faceless synthetic clips): the centred square of
 * every frame is embedded and every frame counts as a face.
 */
export async function extractFaceTrack(file: string, detector: Pick<FaceDetector, 'detectPixels'> | null, embedder: FrameEmbedder, options: FaceTrackOptions = {}): Promise<FaceTrack> {
  const info = options.info ?? (await probe(file));
  const every = Math.max(1, options.detectEvery ?? 5);
  const margin = options.margin ?? FACE_ROW_MARGIN;
  const dim = embedder.dim;
  const chunks: Float32Array[] = [];
  const mask: number[] = [];
  const boxes: (FaceBox['box'] | null)[] = [];
  let current: FaceBox['box'] | null = null;
  let face: { box: FaceBox['box']; score: number } | null = null;
  const faces: ({ box: FaceBox['box']; score: number } | null)[] = [];
  const follower = new FaceFollower(options.select ?? 'main');
  const srcW = info.video?.width ?? 1;
  const srcH = info.video?.height ?? 1;
  let fps = info.video?.fps ?? 0;
  const wanted = options.frameIndices ? new Set(options.frameIndices) : null;
  let streamed = 0;
  const rowIndex: number[] = [];
  const times: number[] = [];
  const decode = faceDecodeSize(info);
  const size = options.decodeWidth ? { width: options.decodeWidth } : { width: decode.width, height: decode.height };
  const largest = (options.select ?? 'main') === 'main' || options.select === 'largest';
  // Sparse sampling (AVT-CA's 15 frames a clip): ffmpeg sends only the wanted frames.
  const frames = options.frameIndices ? [...options.frameIndices] : undefined;
  const frameCount = frames ? options.frameCount : undefined;
  for await (const batch of readVideoFrames(file, { ...size, batchSize: options.batchSize ?? decode.batchSize, info, frames, frameCount })) {
    fps = batch.fps;
    const frameSize = batch.height * batch.width * 3;
    const frameAt = (i: number) => ({ data: batch.data.subarray(i * frameSize, (i + 1) * frameSize), height: batch.height, width: batch.width });
    const crops: tf.Tensor4D[] = [];
    const rows: number[] = [];
    const rowsBefore = rowIndex.length;
    for (let i = 0; i < batch.count; i++) {
      const index = batch.indices ? batch.indices[i] : batch.firstIndex + i;
      if (wanted && !wanted.has(index)) continue;
      rowIndex.push(index);
      times.push(batch.timestamps[i]);
      if (detector === null) {
        current = centreSquare(batch.width, batch.height);
        face = { box: current, score: 1 };
      } else if (wanted || index % every === 0) {
        const main = follower.update(await detector.detectPixels(frameAt(i), { largest }));
        current = main ? faceRowBox(main.box, batch.width, batch.height, margin) : null;
        face = main ? { box: main.box, score: main.score } : null;
      }
      boxes.push(current);
      faces.push(current ? face : null);
      mask.push(current ? 1 : 0);
      if (current) {
        // The square as it is (scale 1, never turned), cut from the face's neighbourhood of the bytes.
        crops.push(faceRowCrop(frameAt(i), current, embedder.inputSize));
        rows.push(rowIndex.length - 1 - rowsBefore);
      }
    }
    const out = new Float32Array((rowIndex.length - rowsBefore) * dim);
    if (crops.length > 0) {
      const all = tf.concat(crops, 0) as tf.Tensor4D;
      tf.dispose(crops);
      const emb = await embedder.embed(all);
      all.dispose();
      const values = await emb.data();
      emb.dispose();
      rows.forEach((r, k) => out.set(values.subarray(k * dim, (k + 1) * dim), r * dim));
    }
    if (options.onBatch) {
      const count = rowIndex.length - rowsBefore;
      await options.onBatch({ firstRow: rowsBefore, count, features: out, mask: Uint8Array.from(mask.slice(mask.length - count)), times: Float64Array.from(times.slice(times.length - count)), faces: faceRows(faces.slice(faces.length - count), srcW, srcH), fps });
      // Nothing is kept: the per-frame lists are cut back to the running count.
      mask.length = 0;
      boxes.length = 0;
      times.length = 0;
      faces.length = 0;
      streamed += count;
      continue;
    }
    chunks.push(out);
    if (wanted && rowIndex.length === wanted.size && frameCount === undefined) break; // the rest is not needed: stop decoding
  }
  const features = new Float32Array(mask.length * dim);
  let at = 0;
  for (const c of chunks) {
    features.set(c, at);
    at += c.length;
  }
  if (wanted) {
    const missing = [...wanted].filter((i) => !rowIndex.includes(i));
    if (missing.length > 0) throw new Error(`${file}: frames ${missing.slice(0, 5).join(', ')} requested but the video decodes to ${rowIndex.length === 0 ? 'fewer' : `at most ${Math.max(...rowIndex) + 1}`} frames`);
  }
  if (options.onBatch) return { features: new Float32Array(0), dim, frames: streamed, indices: [], mask: new Uint8Array(0), boxes: [], times: new Float64Array(0), faces: faceRows([], 1, 1), fps };
  return { features, dim, frames: mask.length, indices: rowIndex, mask: Uint8Array.from(mask), boxes, times: Float64Array.from(times), faces: faceRows(faces, srcW, srcH), fps };
}
