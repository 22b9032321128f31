import { clipFrameIndices } from '@mer/datasets';
import { FrameCountMismatch, type FrameCountCheck, type MediaInfo } from '@mer/media';
import type { ClipSpan, StreamRows } from './extractor-registry';
import type { FaceDetector } from './face-detector';
import type { FaceSelection } from './face-follower';
import { extractFaceTrack, type FrameEmbedder } from './face-track-extractor';

/** A clip's face rows: one per sampled frame (a frame sampled twice gives two equal rows), and their times. */
export interface ClipFaceRows extends StreamRows {
  mask: Uint8Array;
  frames: number;
  times: Float64Array;
}

/**
 * The face rows of a clip-timed stream: `span.frames` frames sampled by {@link clipFrameIndices}
 * (spread over the first `span.seconds`, or the whole file when shorter), each one's face detected
 * (or the centred square) and embedded. The frames are picked from the probe's frame count and
 * decoded in one ffmpeg run. Where that count is not a decoded one (`countFrames: true` counts
 * packets), the run checks it: to the end of a file shorter than the span, whose picks depend on its
 * whole count; up to the span's frames of a longer one, whose picks depend only on its reaching them.
 * Where the decode disagrees, the frames are picked again from the decoded count and decoded again.
 */
export async function clipFaceRows(
  file: string,
  info: MediaInfo,
  detector: Pick<FaceDetector, 'detectPixels'> | null,
  embedder: FrameEmbedder,
  span: ClipSpan,
  select?: FaceSelection,
): Promise<ClipFaceRows> {
  const video = info.video!;
  const picks = (count: number) => clipFrameIndices(count, video.fps, span);
  /** What of `count` its picks depend on: all of it, or only its reaching the span's frames (the same picks from any count beyond). */
  const checkOf = (count: number, picked: number[]): FrameCountCheck => {
    const spanFrames = Math.round(span.seconds * video.fps);
    const same = count > spanFrames && picks(spanFrames).every((p, i) => p === picked[i]);
    return same ? { atLeast: spanFrames } : { exactly: count };
  };
  const rowsOf = async (count: number, check: boolean) => {
    const indices = picks(count);
    const unique = [...new Set(indices)].sort((a, b) => a - b);
    const track = await extractFaceTrack(file, detector, embedder, { frameIndices: unique, info, select, ...(check ? { frameCount: checkOf(count, indices) } : {}) });
    return { indices, track };
  };
  let sampled: Awaited<ReturnType<typeof rowsOf>>;
  try {
    sampled = await rowsOf(video.frameCount, video.frameCountSource !== 'decoded');
  } catch (e) {
    if (!(e instanceof FrameCountMismatch)) throw e;
    sampled = await rowsOf(e.decoded, false);
  }
  const { indices, track } = sampled;
  const dim = track.dim;
  const data = new Float32Array(span.frames * dim);
  const mask = new Uint8Array(span.frames);
  const times = new Float64Array(span.frames);
  indices.forEach((fi, r) => {
    const k = track.indices.indexOf(fi);
    data.set(track.features.subarray(k * dim, (k + 1) * dim), r * dim);
    mask[r] = track.mask[k];
    times[r] = track.times[k];
  });
  return { data, mask, frames: span.frames, times };
}
