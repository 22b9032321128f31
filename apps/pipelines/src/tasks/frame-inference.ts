import * as tf from '@tensorflow/tfjs-core';
import { fixedWindows, OverlapAverager } from '@mer/datasets';
import type { ExtractedStream, FaceRows, PipelineExtractor } from '@mer/feature-extractors';
import type { PipelineModel } from '../pipeline-model';
import type { FramePrediction } from '../pipeline-types';

type Rows = Record<string, { dim: number; data: Float32Array }>;

/** The face columns of row `r` of `faces` (zeros, success 0, where none or no video). */
export function faceColumns(faces: FaceRows | undefined, r: number): Pick<FramePrediction, 'faceX' | 'faceY' | 'faceW' | 'faceH' | 'faceScore' | 'success'> {
  const x = faces?.boxes[r * 4];
  if (!faces || x === undefined || Number.isNaN(x)) return { faceX: 0, faceY: 0, faceW: 0, faceH: 0, faceScore: 0, success: 0 };
  const b = faces.boxes;
  return { faceX: b[r * 4], faceY: b[r * 4 + 1], faceW: b[r * 4 + 2], faceH: b[r * 4 + 3], faceScore: faces.scores[r], success: 1 };
}

/**
 * Runs the network on full windows of `T` frames starting at `starts` (frame indices; `rows` holds
 * per-stream rows from frame `firstRow` on), 8 windows per batch. @returns [windows, T, 2]
 */
async function forwardWindows(model: PipelineModel, rows: Rows, firstRow: number, starts: readonly number[], T: number): Promise<Float32Array> {
  const out = new Float32Array(starts.length * T * 2);
  for (let b = 0; b < starts.length; b += 8) {
    const chunk = starts.slice(b, b + 8);
    const va = tf.tidy(() => {
      const features: Record<string, tf.Tensor3D> = {};
      for (const [m, r] of Object.entries(rows)) {
        const x = new Float32Array(chunk.length * T * r.dim);
        chunk.forEach((s, i) => x.set(r.data.subarray((s - firstRow) * r.dim, (s - firstRow + T) * r.dim), i * T * r.dim));
        features[m] = tf.tensor3d(x, [chunk.length, T, r.dim]);
      }
      const o = model.forward({ features, mask: tf.ones([chunk.length, T]) as tf.Tensor2D });
      return o.kind === 'va' ? o.va : tf.zeros([chunk.length, T, 2]);
    });
    out.set(await va.data(), b * T * 2);
    va.dispose();
  }
  return out;
}

/**
 * Frame-level inference over a whole sequence: windows of `windowSize` (hop = half, the last one
 * end-aligned), predictions averaged where windows overlap. Streams are aligned to `frames` rows
 * (truncated or zero-padded). @returns [frames, 2] valence/arousal
 */
export async function predictFrames(model: PipelineModel, windowSize: number, streams: Record<string, ExtractedStream>, frames: number): Promise<Float32Array> {
  const windows = fixedWindows(frames, { size: windowSize, hop: Math.max(1, Math.floor(windowSize / 2)) });
  const avg = new OverlapAverager(frames, 2);
  const aligned: Rows = {};
  for (const [m, s] of Object.entries(streams)) {
    const data = new Float32Array(frames * s.dim);
    data.set(s.data.subarray(0, Math.min(s.frames, frames) * s.dim));
    aligned[m] = { data, dim: s.dim };
  }
  const T = Math.min(windowSize, frames);
  const values = await forwardWindows(model, aligned, 0, windows.map((w) => w.start), T);
  windows.forEach((w, i) => avg.add(w, values.subarray(i * T * 2, (i + 1) * T * 2)));
  return avg.result();
}

/**
 * Per-frame valence/arousal streamed: the video is decoded once, features flow through a buffer of
 * about two windows, windows (`windowSize`, hop half of it, the last one end-aligned — as in
 * {@link predictFrames}) run as soon as their frames exist, and `onRows` receives final rows in frame
 * order. Memory does not grow with the video's length.
 */
export async function predictFramesStreamed(
  model: PipelineModel,
  windowSize: number,
  extractor: PipelineExtractor,
  file: string,
  onRows: (rows: FramePrediction[]) => void | Promise<void>,
  options: { transcript?: string } = {},
): Promise<{ frames: number; fps: number; notes: string[] }> {
  const W = windowSize;
  const H = Math.max(1, Math.floor(W / 2));
  const buffers: Rows = {};
  const avg = new OverlapAverager(0, 2);
  let bufStart = 0; // frame index of the buffers' first row
  let received = 0;
  let nextStart = 0;
  let lastRegular = -1;
  let emitted = 0;
  let times: number[] = []; // presentation times of the rows from bufStart on
  let faces: FramePrediction[] = []; // the face columns of the rows from bufStart on (values unset)

  const runWindows = async (starts: number[], T: number) => {
    const values = await forwardWindows(model, buffers, bufStart, starts, T);
    starts.forEach((s, i) => avg.add({ start: s, end: s + T, validLength: T }, values.subarray(i * T * 2, (i + 1) * T * 2)));
  };
  const emitUntil = async (end: number) => {
    if (end <= emitted) return;
    const va = avg.take(end);
    const rows: FramePrediction[] = Array.from({ length: end - emitted }, (_, r) => ({ ...faces[emitted + r - bufStart], valence: va[r * 2], arousal: va[r * 2 + 1] }));
    emitted = end;
    await onRows(rows);
    // Forget every feature row before the first frame a future window can still cover.
    const drop = emitted - bufStart;
    for (const buf of Object.values(buffers)) buf.data = buf.data.slice(drop * buf.dim);
    times = times.slice(drop);
    faces = faces.slice(drop);
    bufStart = emitted;
  };

  const result = await extractor.extractStream(file, options, async (c) => {
    times.push(...c.times);
    for (let r = 0; r < c.count; r++) faces.push({ frame: c.first + r, time: c.times[r], ...faceColumns(c.faces, r), valence: 0, arousal: 0 });
    for (const [m, s] of Object.entries(c.streams)) {
      const buf = (buffers[m] ??= { dim: s.dim, data: new Float32Array(0) });
      const merged = new Float32Array(buf.data.length + s.frames * s.dim);
      merged.set(buf.data);
      merged.set(s.data.subarray(0, s.frames * s.dim), buf.data.length);
      buf.data = merged;
    }
    received += c.count;
    const ready: number[] = [];
    while (nextStart + W < received) {
      ready.push(nextStart);
      nextStart += H;
    }
    if (ready.length > 0) {
      await runWindows(ready, W);
      lastRegular = ready[ready.length - 1];
      await emitUntil(lastRegular + 1);
    }
  });
  const T = received;
  if (T === 0) throw new Error(`${file}: no video frames could be decoded`);
  if (T <= W) await runWindows([0], T);
  else if (lastRegular !== T - W) await runWindows([T - W], W);
  await emitUntil(T);
  return { frames: T, fps: result.fps, notes: result.notes };
}
