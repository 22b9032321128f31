/**
 * The presentation times of decoded frames, read from ffmpeg's `showinfo` filter as the frames pass
 * (its `config in time_base: N/D` line, then one `n: … pts: P …` line per frame): exact times
 * `P·N/D`, in the same clock as ffmpeg's decoded audio (both start at the file's first timestamp).
 * The frames arrive on stdout and the lines on stderr, so a reader waits with `until(count)`.
 */
export class FrameClock {
  private timeBase: number | null = null;
  private readonly pts: number[] = [];
  private closed = false;
  private wake: (() => void) | null = null;

  /** Feeds one stderr info line. */
  line(text: string): void {
    if (!text.includes('showinfo')) return;
    const tb = /config in time_base:\s*(\d+)\/(\d+)/.exec(text);
    if (tb) {
      if (Number(tb[2]) > 0) this.timeBase = Number(tb[1]) / Number(tb[2]);
      return;
    }
    const frame = /\bn:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)/.exec(text);
    if (!frame) return;
    this.pts[Number(frame[1])] = frame[2] === 'NOPTS' ? NaN : Number(frame[2]);
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Resolves once `count` frames' times are known (or ffmpeg has closed). */
  async until(count: number): Promise<void> {
    while (this.pts.length < count && !this.closed) await new Promise<void>((r) => (this.wake = r));
  }

  /** Frames whose line has been read: once closed, every frame that passed showinfo. */
  get count(): number {
    return this.pts.length;
  }

  /** Seconds of frame `n`, or undefined when ffmpeg gave none (no pts). */
  time(n: number): number | undefined {
    const p = this.pts[n];
    return this.timeBase !== null && p !== undefined && Number.isFinite(p) ? p * this.timeBase : undefined;
  }
}

/** How far decoded frame times stray from the constant-rate grid `first + i / fps`. */
export interface FrameRateCheck {
  /** Frames more than `tolerance` seconds off the grid. */
  offGrid: number;
  /** The largest deviation, seconds. */
  maxDeviation: number;
  variableRate: boolean;
}

/** Counts, frame by frame (streams too), how far frame times stray from the grid `first + i / fps`. */
export class FrameRateTracker {
  private n = 0;
  private first = 0;
  private offGrid = 0;
  private maxDeviation = 0;

  constructor(
    readonly fps: number,
    readonly tolerance = 1e-3,
  ) {}

  add(times: ArrayLike<number>): void {
    for (let i = 0; i < times.length; i++, this.n++) {
      if (this.n === 0) this.first = times[i];
      const d = Math.abs(times[i] - (this.first + this.n / this.fps));
      if (d > this.tolerance) this.offGrid++;
      this.maxDeviation = Math.max(this.maxDeviation, d);
    }
  }

  result(): FrameRateCheck {
    return { offGrid: this.offGrid, maxDeviation: this.maxDeviation, variableRate: this.offGrid > 0 };
  }

  /** A sentence for an item's notes when the rate varies, else null. */
  note(): string | null {
    if (this.offGrid === 0) return null;
    return `variable frame rate: ${this.offGrid}/${this.n} frames are off the ${this.fps.toFixed(3)} fps grid by more than 1 ms (up to ${this.maxDeviation.toFixed(3)} s); every stream and output uses the frames' own presentation times`;
  }
}

/** Compares frame times with the constant-rate grid of `fps` (tolerance default 1 ms). */
export function checkFrameRate(times: ArrayLike<number>, fps: number, tolerance = 1e-3): FrameRateCheck {
  const t = new FrameRateTracker(fps, tolerance);
  t.add(times);
  return t.result();
}
