import { ffmpegRecords, inputWithRange } from './ffmpeg-process';
import { FrameClock } from './frame-clock';
import { MediaError } from './media-error';
import { hasRoundedVideoFacts, MediaInfo, probe } from './probe';

export interface VideoFrameOptions {
  /** Output rate; default the video's own rate. */
  fps?: number;
  /**
   * Output size; give one to keep the displayed aspect ratio (rounded to even), both to force it.
   * Default the displayed size (`info.video.width × height` from {@link probe}).
   */
  width?: number;
  height?: number;
  /** Frames per yielded batch. Default 16. */
  batchSize?: number;
  /** Start offset in seconds. Default 0. */
  start?: number;
  /** Seconds to read. Default to the end. */
  duration?: number;
  /** A probe result to reuse (saves one ffprobe call). */
  info?: MediaInfo;
  /**
   * Only these decoded frames (indices from the start of the file, native rate only): ffmpeg still
   * decodes every frame but turns, scales and sends only these (e.g. AVT-CA's 15 of a clip). Batches
   * then carry each frame's index in `indices`.
   */
  frames?: readonly number[];
  /**
   * With `frames`: the frame count they were picked from (e.g. {@link probe}'s packet count), checked on
   * the decode. `{ exactly: n }`: ffmpeg decodes to the end. `{ atLeast: n }` (picks that stay the same
   * for any count from n on): ffmpeg stops once n frames have decoded. Otherwise the generator throws a
   * {@link FrameCountMismatch} after the frames it found, naming the decoded count: pick again from it.
   */
  frameCount?: FrameCountCheck;
}

/** The count a selection of frames was picked from: the video's whole count, or a count it reaches. */
export type FrameCountCheck = { exactly: number } | { atLeast: number };

/** The frames a video decodes to are not the count a selection was picked from (see `frameCount`). */
export class FrameCountMismatch extends MediaError {
  constructor(
    file: string,
    readonly expected: FrameCountCheck,
    /** Every frame the video decodes to (the decode ran to its end). */
    readonly decoded: number,
  ) {
    const picked = 'exactly' in expected ? `not the ${expected.exactly}` : `fewer than the ${expected.atLeast}`;
    super(file, 'decode-failed', `decodes to ${decoded} frames, ${picked} its frames were picked from`);
    this.name = 'FrameCountMismatch';
  }
}

/** Whether `count` decoded frames meet the check. */
function meets(check: FrameCountCheck, count: number): boolean {
  return 'exactly' in check ? count === check.exactly : count >= check.atLeast;
}

/** A batch of consecutive RGB frames. */
export interface VideoFrameBatch {
  /** [count, height, width, 3] uint8, row-major RGB. */
  data: Uint8Array;
  count: number;
  width: number;
  height: number;
  /** Index of the first frame in the output sequence. */
  firstIndex: number;
  /** With `frames`: each frame's decoded index (the output sequence skips the others). */
  indices?: number[];
  /**
   * Seconds from the start of the file, one per frame: the frame's own presentation time (so a
   * variable-rate video gets its true times), or the grid `start + index / fps` when `fps` resamples
   * to a constant rate (or the container gives a frame no time).
   */
  timestamps: Float64Array;
  /** The nominal (or requested) rate. */
  fps: number;
}

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/** The filters that turn stored frames upright by a clockwise display rotation (what a player does). */
export function uprightFilters(rotation: number): string[] {
  if (rotation === 90) return ['transpose=clock'];
  if (rotation === 180) return ['hflip', 'vflip'];
  if (rotation === 270) return ['transpose=cclock'];
  return [];
}

/** The output size for a source size and the requested width/height. */
export function outputSize(srcW: number, srcH: number, width?: number, height?: number): { width: number; height: number } {
  if (width && height) return { width, height };
  if (width) return { width, height: even((width * srcH) / srcW) };
  if (height) return { width: even((height * srcW) / srcH), height };
  return { width: srcW, height: srcH };
}

/**
 * Streams a video as batches of RGB frames at its native rate or a requested fps/size, as a player shows
 * them: turned upright by the stream's display rotation (phones) and at the displayed aspect (anamorphic
 * video), never squashed; the default size is the displayed one ({@link probe}). Memory is
 * two batches (ffmpeg decodes the next while the consumer works) plus the pipe, whatever the video's length. At the native rate every decoded frame comes
 * out once, with its true presentation time (variable-rate video — phones — included); with `fps`
 * the video is resampled to that constant rate and times are its grid.
 */
export async function* readVideoFrames(file: string, options: VideoFrameOptions = {}): AsyncGenerator<VideoFrameBatch> {
  // An audio-only probe's video facts are ffmpeg's rounded ones: frames need ffprobe's exact rate.
  const info = options.info && !hasRoundedVideoFacts(options.info) ? options.info : await probe(file);
  if (!info.video) throw new MediaError(file, 'no-video', 'has no video stream');
  const fps = options.fps ?? info.video.fps;
  if (!(fps > 0)) throw new MediaError(file, 'decode-failed', `invalid fps ${fps}`);
  const { width, height } = outputSize(info.video.width, info.video.height, options.width, options.height);
  const batchSize = Math.max(1, options.batchSize ?? 16);
  const start = options.start ?? 0;
  const clock = new FrameClock();
  // ffmpeg's own autorotation is off: the turn is the one probe reports, whatever the ffmpeg version.
  const turn = uprightFilters(info.video.rotation ?? 0);
  if (options.frames && (options.fps || start > 0)) throw new Error('readVideoFrames: frames selects decoded frames of the whole file at its own rate (no fps, no start)');
  const picked = options.frames ? [...new Set(options.frames)].sort((a, b) => a - b) : null;
  if (picked && picked.length === 0) return;
  const select = picked ? `select='${picked.map((n) => `eq(n,${n})`).join('+')}'` : undefined;
  // showinfo sees every decoded frame (before the selection): each one's time by its decoded index, and the count.
  const filters = picked
    ? ['showinfo', select, ...turn, `scale=${width}:${height}:flags=bilinear`]
    : [...turn, options.fps ? `fps=${options.fps}` : undefined, `scale=${width}:${height}:flags=bilinear`, options.fps ? undefined : 'showinfo'].filter(Boolean);
  const args = [
    '-noautorotate',
    ...inputWithRange(file, start, options.duration),
    '-map',
    '0:v:0',
    ...(options.fps ? [] : ['-vsync', 'passthrough']),
    '-vf',
    filters.join(','),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  const frameBytes = width * height * 3;
  let index = 0;
  // One record per batch: the pipe's bytes become the batch as they are, without a copy per frame;
  // ffmpeg decodes up to one more batch while the consumer works on this one.
  const clocked = options.fps ? {} : { onInfo: (l: string) => clock.line(l), onClose: () => clock.close() };
  const records = ffmpegRecords(file, args, frameBytes * batchSize, { allowPartial: true, ...clocked });
  for await (const record of records) {
    const count = Math.floor(record.length / frameBytes); // the tail: whole frames only
    if (count === 0) continue;
    const firstIndex = index;
    index += count;
    const indices = picked ? picked.slice(firstIndex, firstIndex + count) : undefined;
    if (!options.fps) await clock.until(indices ? indices[count - 1] + 1 : index);
    const decodedIndex = (i: number) => (indices ? indices[i] : firstIndex + i);
    const timestamps = Float64Array.from({ length: count }, (_, i) => start + (clock.time(decodedIndex(i)) ?? decodedIndex(i) / fps));
    yield { data: record.subarray(0, count * frameBytes), count, width, height, firstIndex, timestamps, fps, ...(indices ? { indices } : {}) };
    if (picked && index >= picked.length) {
      const check = options.frameCount;
      // Every wanted frame is out: stop decoding, unless the count they were picked from is to be checked.
      if (!check) return;
      // A count to reach: stop once the decode has (ffmpeg's end otherwise, and the check below).
      if ('atLeast' in check) {
        await clock.until(check.atLeast);
        if (clock.count >= check.atLeast) return;
      }
    }
  }
  if (picked && options.frameCount && !meets(options.frameCount, clock.count)) throw new FrameCountMismatch(file, options.frameCount, clock.count);
  if (index === 0) throw new MediaError(file, 'decode-failed', 'no video frames could be decoded');
}
