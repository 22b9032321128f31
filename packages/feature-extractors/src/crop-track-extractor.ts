import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { croppedAlignedFrame } from '@mer/datasets';
import { readImageFrames } from '@mer/media';
import type { FaceTrack, FrameEmbedder } from './face-track-extractor';

/**
 * Per-frame face features from a dataset's own aligned face crops (Aff-Wild2's
 * `cropped_aligned/<name>/00001.jpg` …, 1-based): one row per annotated frame, embedded from its crop,
 * and masked where the dataset has no crop (no face in that frame). No detector runs.
 * @param rows the annotation's row count (authoritative)
 * @param fps the video's rate: row i is at i / fps seconds
 */
export async function extractCropTrack(dir: string, rows: number, embedder: FrameEmbedder, options: { fps: number; batchSize?: number }): Promise<FaceTrack> {
  if (!fs.existsSync(dir)) throw new Error(`${dir}: no such cropped_aligned folder`);
  const dim = embedder.dim;
  const files: string[] = [];
  const rowOf: number[] = [];
  for (let i = 0; i < rows; i++) {
    const f = croppedAlignedFrame(dir, i);
    if (fs.existsSync(f)) {
      files.push(f);
      rowOf.push(i);
    }
  }
  const features = new Float32Array(rows * dim);
  const mask = new Uint8Array(rows);
  for await (const b of readImageFrames(files, { size: embedder.inputSize, batchSize: options.batchSize ?? 32 })) {
    const crops = tf.tensor4d(b.data, [b.count, b.size, b.size, 3], 'int32');
    const asFloat = tf.cast(crops, 'float32') as tf.Tensor4D;
    crops.dispose();
    const emb = await embedder.embed(asFloat);
    asFloat.dispose();
    const values = await emb.data();
    emb.dispose();
    for (let k = 0; k < b.count; k++) {
      const r = rowOf[b.firstIndex + k];
      features.set(values.subarray(k * dim, (k + 1) * dim), r * dim);
      mask[r] = 1;
    }
  }
  const times = Float64Array.from({ length: rows }, (_, i) => i / options.fps);
  const boxes = new Float32Array(rows * 4).fill(NaN);
  return { features, dim, frames: rows, mask, indices: Array.from({ length: rows }, (_, i) => i), boxes: [], times, faces: { boxes, scores: new Float32Array(rows) }, fps: options.fps };
}
