/** How speech windows become utterances. */
export interface SegmenterOptions {
  /** Samples per speech window (Silero VAD at 16 kHz: 512, 32 ms). */
  window: number;
  sampleRate: number;
  /** A window at or above this starts speech; within speech, windows below `end` count as silence. */
  start: number;
  end: number;
  /** Silence (s) that ends an utterance. */
  hangover: number;
  /** Audio (s) kept before the first speech window and after the last. */
  pad: number;
  /** Shorter utterances (s, speech span) are dropped; longer ones are cut here and a new one starts. */
  minSeconds: number;
  maxSeconds: number;
}

/** Silero's usual thresholds (0.5 on, 0.35 off), 0.4 s of silence to end, 0.1 s of padding; 0.5–30 s. */
export const DEFAULT_SEGMENTER: SegmenterOptions = { window: 512, sampleRate: 16000, start: 0.5, end: 0.35, hangover: 0.4, pad: 0.1, minSeconds: 0.5, maxSeconds: 30 };

/** One utterance: its samples and its span in seconds from the first sample heard. */
export interface Utterance {
  samples: Float32Array;
  start: number;
  end: number;
}

/**
 * Cuts a microphone's samples into utterances by their speech windows, as they arrive: speech starts
 * at a window ≥ `start`, ends after `hangover` of windows below `end`; each utterance is its samples
 * from `pad` before its first speech window to `pad` after its last. Memory: the samples since the
 * current utterance began (at most `maxSeconds` + padding), or `pad` of them between utterances.
 */
export class UtteranceSegmenter {
  private readonly o: SegmenterOptions;
  /** Kept samples, and the absolute index of the first. */
  private kept = new Float32Array(0);
  private keptFrom = 0;
  private received = 0;
  /** Windows judged so far; the current utterance's first and last speech windows (-1: none). */
  private windows = 0;
  private first = -1;
  private last = -1;

  constructor(
    private readonly onUtterance: (u: Utterance) => void,
    options: Partial<SegmenterOptions> = {},
  ) {
    this.o = { ...DEFAULT_SEGMENTER, ...options };
  }

  /** Samples heard (in order), then the speech probabilities of the windows they completed. */
  push(samples: Float32Array, probabilities: ArrayLike<number>): void {
    const all = new Float32Array(this.kept.length + samples.length);
    all.set(this.kept);
    all.set(samples, this.kept.length);
    this.kept = all;
    this.received += samples.length;
    const { window, sampleRate } = this.o;
    for (let i = 0; i < probabilities.length; i++, this.windows++) {
      const p = probabilities[i];
      if (this.first < 0) {
        if (p >= this.o.start) this.first = this.last = this.windows;
        continue;
      }
      if (p >= this.o.end) this.last = this.windows;
      const silent = (this.windows - this.last) * window;
      const long = (this.windows + 1 - this.first) * window >= this.o.maxSeconds * sampleRate;
      if (silent >= this.o.hangover * sampleRate || long) this.close();
    }
    // Between utterances only the padding before the next one is needed.
    const from = this.first >= 0 ? this.first * window - this.padSamples : this.received - this.padSamples;
    this.drop(from);
  }

  private get padSamples(): number {
    return Math.round(this.o.pad * this.o.sampleRate);
  }

  /** Ends the current utterance at its last speech window (plus padding, as far as heard). */
  private close(): void {
    const { window, sampleRate } = this.o;
    const from = Math.max(this.keptFrom, this.first * window - this.padSamples);
    const to = Math.min(this.received, (this.last + 1) * window + this.padSamples);
    if ((this.last + 1 - this.first) * window >= this.o.minSeconds * sampleRate) {
      this.onUtterance({ samples: this.kept.slice(from - this.keptFrom, to - this.keptFrom), start: from / sampleRate, end: to / sampleRate });
    }
    this.first = this.last = -1;
  }

  private drop(before: number): void {
    const n = Math.max(0, Math.min(this.kept.length, before - this.keptFrom));
    if (n === 0) return;
    this.kept = this.kept.slice(n);
    this.keptFrom += n;
  }
}
