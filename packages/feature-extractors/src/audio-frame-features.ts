import { AudioOptions, readAudio } from '@mer/media';
import { LogMelConfig, LogMelSpectrogram, Spectrogram } from './log-mel-spectrogram';

/**
 * Streams a file's audio through the log-mel front end chunk by chunk (the raw PCM of only one
 * chunk is held; the spectrogram itself is ~25 KB per second). Missing audio is an error unless
 * `missingAudio: 'silence'`.
 */
export async function logMelOfFile(file: string, config: Partial<LogMelConfig> = {}, options: AudioOptions = {}): Promise<Spectrogram> {
  const rolling = new RollingLogMel(file, config, { chunkSeconds: 10, ...options });
  await rolling.ensureUntil(Infinity);
  const v = rolling.view();
  return { data: v.data.slice(), frames: v.frames, bands: v.bands, frameRate: v.frameRate };
}

/**
 * The `[count, bands]` window of spectrogram frames centred on time `t` (seconds); frames outside
 * the audio take `pad` (log(offset): silence).
 */
function windowAt(spec: Spectrogram, t: number, count: number, pad: number, out: Float32Array): void {
  const first = Math.round(t * spec.frameRate) - Math.floor(count / 2);
  for (let i = 0; i < count; i++) {
    const f = first + i;
    const row = out.subarray(i * spec.bands, (i + 1) * spec.bands);
    if (f < 0 || f >= spec.frames) row.fill(pad);
    else row.set(spec.data.subarray(f * spec.bands, (f + 1) * spec.bands));
  }
}

/**
 * VGGish input examples, one per video frame: the `patchFrames` × bands (96 × 64 = 0.96 s) log-mel
 * patch centred on each frame time (SPEC: 0.96 s windows, hop = 1/fps).
 * @returns [T, patchFrames, bands]
 */
export function vggishExamples(spec: Spectrogram, frameTimes: ArrayLike<number>, options: { patchFrames?: number; pad?: number } = {}): Float32Array {
  const count = options.patchFrames ?? 96;
  const pad = options.pad ?? Math.log(0.01);
  const size = count * spec.bands;
  const out = new Float32Array(frameTimes.length * size);
  for (let t = 0; t < frameTimes.length; t++) windowAt(spec, frameTimes[t], count, pad, out.subarray(t * size, (t + 1) * size));
  return out;
}

/** How a 0.96 s log-mel window becomes one vector in the offline audio encoders. */
export type LogMelPooling = 'mean-std' | 'halves';

/**
 * Offline default audio encoder (no pretrained audio network needed): per video frame, the 0.96 s
 * log-mel window centred on it pooled to `2 × bands` values — `'mean-std'`: mean and standard
 * deviation per band (stands in for VGGish's 128-d); `'halves'`: the means of the window's first and
 * second halves (keeps the temporal change; stands in for the LogMel-VGG stream).
 * @returns [T, 2·bands]
 */
export function pooledLogMel(spec: Spectrogram, frameTimes: ArrayLike<number>, pooling: LogMelPooling = 'mean-std', options: { windowFrames?: number; pad?: number } = {}): Float32Array {
  const count = options.windowFrames ?? 96;
  const pad = options.pad ?? Math.log(0.01);
  const b = spec.bands;
  const out = new Float32Array(frameTimes.length * 2 * b);
  const win = new Float32Array(count * b);
  const half = Math.floor(count / 2);
  for (let t = 0; t < frameTimes.length; t++) {
    windowAt(spec, frameTimes[t], count, pad, win);
    const row = out.subarray(t * 2 * b, (t + 1) * 2 * b);
    for (let j = 0; j < b; j++) {
      if (pooling === 'mean-std') {
        let s = 0;
        let s2 = 0;
        for (let i = 0; i < count; i++) {
          const v = win[i * b + j];
          s += v;
          s2 += v * v;
        }
        const mean = s / count;
        row[j] = mean;
        row[b + j] = Math.sqrt(Math.max(0, s2 / count - mean * mean));
      } else {
        let a = 0;
        let c = 0;
        for (let i = 0; i < half; i++) a += win[i * b + j];
        for (let i = half; i < count; i++) c += win[i * b + j];
        row[j] = a / half;
        row[b + j] = c / (count - half);
      }
    }
  }
  return out;
}

/** Frame times `index / fps` for `frames` video frames. */
export function frameTimes(frames: number, fps: number): Float64Array {
  return Float64Array.from({ length: frames }, (_, i) => i / fps);
}

/**
 * A log-mel spectrogram computed incrementally from a file and kept only over a sliding time
 * range, for streaming per-frame audio features: `ensureUntil(t)` reads audio until frames up to
 * `t` seconds exist (or the audio ends), `trimBefore(t)` forgets frames before `t`, `view()` is the
 * kept part with `startTime` (seconds of its first frame). Values equal {@link logMelOfFile}'s.
 */
export class RollingLogMel {
  private readonly front: LogMelSpectrogram;
  private readonly chunks: AsyncGenerator<{ samples: Float32Array }>;
  private pending = new Float32Array(0);
  /** Kept frames, row-major, in `buffer[0 … frames·bands)`; capacity grows by doubling. */
  private buffer = new Float32Array(0);
  private firstFrame = 0;
  private frames = 0;
  private ended = false;

  constructor(file: string, config: Partial<LogMelConfig> = {}, options: AudioOptions = {}) {
    this.front = new LogMelSpectrogram(config);
    this.chunks = readAudio(file, { chunkSeconds: 5, ...options, sampleRate: this.front.config.sampleRate });
  }

  /** Whether the audio has been read to its end. */
  get done(): boolean {
    return this.ended;
  }

  async ensureUntil(seconds: number): Promise<void> {
    const { hopLength, windowLength, melBands } = this.front.config;
    while (!this.ended && (this.firstFrame + this.frames) / this.front.frameRate <= seconds) {
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const buf = new Float32Array(this.pending.length + next.value.samples.length);
      buf.set(this.pending);
      buf.set(next.value.samples, this.pending.length);
      const n = this.front.frameCount(buf.length);
      if (n > 0) {
        const spec = await this.front.compute(buf.subarray(0, (n - 1) * hopLength + windowLength));
        const used = this.frames * melBands;
        if (used + spec.data.length > this.buffer.length) {
          const grown = new Float32Array(Math.max(2 * this.buffer.length, used + spec.data.length));
          grown.set(this.buffer.subarray(0, used));
          this.buffer = grown;
        }
        this.buffer.set(spec.data, used);
        this.frames += spec.frames;
      }
      // Keep what the next frames still need: from the start of frame n onwards.
      this.pending = buf.slice(n * hopLength);
    }
  }

  trimBefore(seconds: number): void {
    const drop = Math.min(this.frames, Math.max(0, Math.floor(seconds * this.front.frameRate) - this.firstFrame));
    if (drop <= 0) return;
    const b = this.front.config.melBands;
    this.buffer.copyWithin(0, drop * b, this.frames * b);
    this.firstFrame += drop;
    this.frames -= drop;
  }

  /** The kept frames (a view: valid until the next `ensureUntil`/`trimBefore`). */
  view(): Spectrogram & { startTime: number } {
    const b = this.front.config.melBands;
    return { data: this.buffer.subarray(0, this.frames * b), frames: this.frames, bands: b, frameRate: this.front.frameRate, startTime: this.firstFrame / this.front.frameRate };
  }

  /** Stops reading (kills the decoder if the audio was not read to the end). */
  async close(): Promise<void> {
    await this.chunks.return(undefined);
  }
}
