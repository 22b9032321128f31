import * as tf from '@tensorflow/tfjs-core';
import { MediaInfo, probe, readVideoFrames } from '@mer/media';
import { FaceBox, FaceDetector } from './face-detector';
import { FaceEmbedder } from './face-embedder';

export interface FaceTrackOptions {
  /** Run the detector every N frames and track the main face in between. Default 5. */
  detectEvery?: number;
  /** Extra margin around the detected box, as a fraction of its size. Default 0.2. */
  margin?: number;
  /** Decode width (the detector letterboxes to 256 anyway). Default 320. */
  decodeWidth?: number;
  /** Frames decoded per batch. Default 16. */
  batchSize?: number;
  info?: MediaInfo;
}

/** Per-frame face features of one video, aligned to its decoded frames. */
export interface FaceTrack {
  /** [T, D] row-major; zeros where no face. */
  features: Float32Array;
  dim: number;
  frames: number;
  /** [T]: 1 where a face was found (detected or tracked), 0 otherwise. */
  mask: Uint8Array;
  /** Per frame: the main face box used, or null. */
  boxes: (FaceBox['box'] | null)[];
  fps: number;
}

function expand(box: FaceBox['box'], margin: number): FaceBox['box'] {
  const [x0, y0, x1, y1] = box;
  const w = x1 - x0;
  const h = y1 - y0;
  // A square crop around the face centre (faces are roughly square), enlarged by the margin.
  const side = Math.max(w, h) * (1 + margin);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return [cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2];
}

/**
 * Streams a video, detects the main face every `detectEvery` frames (the largest, most confident;
 * tracked in between by reusing its box), crops it square with a margin, and embeds it. Frames
 * without a face are kept and masked, never dropped, so features stay aligned to frame indices.
 * Memory: one decoded batch at a time.
 */
export async function extractFaceTrack(file: string, detector: FaceDetector, embedder: FaceEmbedder, options: FaceTrackOptions = {}): Promise<FaceTrack> {
  const info = options.info ?? (await probe(file));
  const every = Math.max(1, options.detectEvery ?? 5);
  const margin = options.margin ?? 0.2;
  const dim = embedder.dim;
  const chunks: Float32Array[] = [];
  const mask: number[] = [];
  const boxes: (FaceBox['box'] | null)[] = [];
  let current: FaceBox['box'] | null = null;
  let fps = info.video?.fps ?? 0;
  for await (const batch of readVideoFrames(file, { width: options.decodeWidth ?? 320, batchSize: options.batchSize ?? 16, info })) {
    fps = batch.fps;
    const frameSize = batch.height * batch.width * 3;
    const frames = tf.tensor4d(batch.data, [batch.count, batch.height, batch.width, 3], 'int32');
    const cropBoxes: number[][] = [];
    const indices: number[] = [];
    for (let i = 0; i < batch.count; i++) {
      const index = batch.firstIndex + i;
      if (index % every === 0 || current === null) {
        const frame = tf.tensor3d(batch.data.subarray(i * frameSize, (i + 1) * frameSize), [batch.height, batch.width, 3], 'int32');
        const faces = await detector.detect(frame);
        frame.dispose();
        const area = (f: FaceBox) => (f.box[2] - f.box[0]) * (f.box[3] - f.box[1]);
        const main = faces.sort((a, b) => area(b) * b.score - area(a) * a.score)[0];
        current = main ? expand(main.box, margin) : null;
      }
      boxes.push(current);
      mask.push(current ? 1 : 0);
      if (current) {
        const [x0, y0, x1, y1] = current;
        cropBoxes.push([y0, x0, y1, x1]);
        indices.push(i);
      }
    }
    const out = new Float32Array(batch.count * dim);
    if (indices.length > 0) {
      const emb = tf.tidy(() => {
        const crops = tf.image.cropAndResize(tf.cast(frames, 'float32') as tf.Tensor4D, cropBoxes as [number, number, number, number][], indices, [embedder.inputSize, embedder.inputSize]);
        return embedder.embed(crops);
      });
      const values = await emb.data();
      emb.dispose();
      indices.forEach((fi, k) => out.set(values.subarray(k * dim, (k + 1) * dim), fi * dim));
    }
    frames.dispose();
    chunks.push(out);
  }
  const features = new Float32Array(mask.length * dim);
  let at = 0;
  for (const c of chunks) {
    features.set(c, at);
    at += c.length;
  }
  return { features, dim, frames: mask.length, mask: Uint8Array.from(mask), boxes, fps };
}
