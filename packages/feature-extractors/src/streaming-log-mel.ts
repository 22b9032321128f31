import { LogMelConfig, LogMelSpectrogram, Spectrogram } from './log-mel-spectrogram';

/**
 * A log-mel spectrogram of a stream of samples, computed as they are pushed and kept over a sliding
 * range: `push(samples)` adds every frame the samples complete, `trimBefore(t)` forgets frames before
 * `t` seconds, `view()` is the kept part with `startTime` (seconds of its first frame from the stream's
 * start). No centring, so each frame depends on its own window only: values equal
 * {@link LogMelSpectrogram.compute} on the whole stream, however it is cut into pushes.
 */
export class StreamingLogMel {
  readonly front: LogMelSpectrogram;
  private pending = new Float32Array(0);
  /** Kept frames, row-major, in `buffer[0 … frames·bands)`; capacity grows by doubling. */
  private buffer = new Float32Array(0);
  private firstFrame = 0;
  private frames = 0;

  constructor(config: Partial<LogMelConfig> = {}) {
    this.front = new LogMelSpectrogram(config);
  }

  /** Frames computed so far, trimmed or not. */
  get total(): number {
    return this.firstFrame + this.frames;
  }

  /** Adds the frames `samples` (at `front.config.sampleRate`) complete; returns how many. */
  async push(samples: Float32Array): Promise<number> {
    const { hopLength, windowLength, melBands } = this.front.config;
    const buf = new Float32Array(this.pending.length + samples.length);
    buf.set(this.pending);
    buf.set(samples, this.pending.length);
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
    return n;
  }

  trimBefore(seconds: number): void {
    const drop = Math.min(this.frames, Math.max(0, Math.floor(seconds * this.front.frameRate) - this.firstFrame));
    if (drop <= 0) return;
    const b = this.front.config.melBands;
    this.buffer.copyWithin(0, drop * b, this.frames * b);
    this.firstFrame += drop;
    this.frames -= drop;
  }

  /** The kept frames (a view: valid until the next `push`/`trimBefore`). */
  view(): Spectrogram & { startTime: number } {
    const b = this.front.config.melBands;
    return { data: this.buffer.subarray(0, this.frames * b), frames: this.frames, bands: b, frameRate: this.front.frameRate, startTime: this.firstFrame / this.front.frameRate };
  }
}
