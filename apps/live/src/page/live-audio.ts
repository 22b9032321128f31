/// <reference lib="dom" />
import { prosody, SpeechDetector, SpeechStream } from '@mer/feature-extractors';
import { AudioTap } from './audio-tap';
import { Utterance, UtteranceSegmenter } from './utterance-segmenter';

/** Seconds of audio the prosody of the newest samples is computed over (pitch needs 3 periods of 75 Hz, with context). */
const PROSODY_SPAN = 0.5;
/** Rows this close to the end of the span are left for the next chunk (their analysis window runs past the audio). */
const PROSODY_EDGE = 0.03;
const RATE = SpeechDetector.sampleRate;
/** Samples per analysed chunk (64 ms at 16 kHz: two speech windows). */
const CHUNK = 1024;
/** The microphone's side of a row at one time. */
export interface AudioCells {
  speech: number;
  loudness: number;
  f0: number;
}

/**
 * The microphone as `mer analyze` reads a file's audio: 16 kHz mono (the browser resamples), Silero VAD
 * fed as it arrives (same windows and state as on the whole file), loudness and F0 ({@link prosody}) of
 * each 10 ms step from the newest half second. Times are the page clock's seconds (performance.now based).
 */
export class LiveAudio {
  /** Speech probability per 32 ms window from `start` (the first `count` of a growing buffer). */
  private windows = new Float32Array(1024);
  private count = 0;
  /** Per 10 ms step from `start`: loudness and F0. */
  private readonly loudness: number[] = [];
  private readonly f0: number[] = [];
  private recent = new Float32Array(0);
  private received = 0;
  /** Samples whose speech windows and prosody are done (the queue runs behind `received` when the page is busy). */
  private processed = 0;
  private start: number | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly speech: Promise<SpeechStream>;
  private tap: Promise<AudioTap> | null = null;
  private segmenter: UtteranceSegmenter | null = null;
  private readonly listeners: ((chunk: Float32Array, startTime: number) => void)[] = [];

  /**
   * @param vad Silero VAD, or its load under way: audio heard before it is ready waits in order
   * @param clock the page clock, seconds
   */
  constructor(vad: Promise<SpeechDetector>, private readonly clock: () => number) {
    this.speech = vad.then((v) => v.stream());
  }

  /** Calls `onUtterance` with each utterance heard (its times from `offset`, the page time of the first sample). */
  utterances(onUtterance: (u: Utterance, offset: number) => void): void {
    this.segmenter = new UtteranceSegmenter((u) => onUtterance(u, this.start ?? 0));
  }

  /**
   * Calls `onChunk` with each chunk of 16 kHz samples from now on, in order, and the page time (s) of
   * its first sample (chunks are contiguous: sample k after the first chunk's start is k / 16 kHz later).
   */
  samples(onChunk: (chunk: Float32Array, startTime: number) => void): void {
    this.listeners.push(onChunk);
  }

  /**
   * Creates the audio context and loads the tap's worklet, once. Call it before asking for the microphone:
   * the fake or real device plays from the moment it opens, and audio that arrives before the tap is
   * connected is not heard (under load the worklet's thread takes seconds to start).
   */
  prepare(): Promise<AudioTap> {
    this.tap ??= AudioTap.create(RATE);
    return this.tap;
  }

  /**
   * Starts listening to the stream's audio track ({@link AudioTap}: no sample is lost while the page is
   * busy). Blocks are gathered into chunks of {@link CHUNK} samples for the analysis.
   */
  async listen(stream: MediaStream): Promise<void> {
    const tap = await this.prepare();
    let gathered = new Float32Array(CHUNK);
    let filled = 0;
    await tap.connect(stream, (block) => {
      for (let at = 0; at < block.length; ) {
        const n = Math.min(block.length - at, CHUNK - filled);
        gathered.set(block.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled < CHUNK) continue;
        const chunk = gathered;
        const end = this.clock();
        this.queue = this.queue.then(() => this.push(chunk, end)).catch((err) => console.error('mer live audio:', err));
        gathered = new Float32Array(CHUNK);
        filled = 0;
      }
    });
  }

  /** One chunk of samples whose last arrived at `end` seconds. */
  private async push(chunk: Float32Array, end: number): Promise<void> {
    if (this.start === null) this.start = end - chunk.length / RATE;
    this.received += chunk.length;
    for (const l of this.listeners) l(chunk, this.start + (this.received - chunk.length) / RATE);
    const keep = Math.round(PROSODY_SPAN * RATE);
    const recent = new Float32Array(Math.min(keep, this.recent.length + chunk.length));
    recent.set(this.recent.subarray(this.recent.length - (recent.length - chunk.length)));
    recent.set(chunk, recent.length - chunk.length);
    this.recent = recent;
    const probs = await (await this.speech).push(chunk);
    if (this.count + probs.length > this.windows.length) {
      const grown = new Float32Array(2 * (this.count + probs.length));
      grown.set(this.windows.subarray(0, this.count));
      this.windows = grown;
    }
    this.windows.set(probs, this.count);
    this.count += probs.length;
    this.segmenter?.push(chunk, probs);
    const p = prosody(recent);
    const offset = (this.received - recent.length) / RATE; // the span's first sample, from start
    for (let i = 0; i < p.f0.length; i++) {
      const t = offset + i * p.timeStep;
      if (t > this.received / RATE - PROSODY_EDGE) break;
      const step = Math.round(t / 0.01);
      this.f0[step] = p.f0[i];
      this.loudness[step] = p.loudness[i];
    }
    this.processed += chunk.length;
  }

  /**
   * Page time (s) up to which {@link at} is final: speech windows and prosody have run on the audio
   * after it. Before that, `at` gives the newest cells known (the display's live value).
   */
  get settledUntil(): number {
    return this.start === null ? -Infinity : this.start + this.processed / RATE - PROSODY_EDGE;
  }

  /** The cells at page time `t` (s): the speech windows over one frame of `fps`, the 10 ms prosody step nearest. 0 before any audio. */
  at(t: number, fps = 30): AudioCells {
    if (this.start === null || this.count === 0) return { speech: 0, loudness: 0, f0: 0 };
    const rel = Math.max(0, t - this.start);
    const speech = SpeechDetector.perFrame(this.windows.subarray(0, this.count), [rel], fps)[0];
    const step = Math.max(0, Math.min(this.f0.length - 1, Math.round(rel / 0.01)));
    return { speech, loudness: this.loudness[step] ?? 0, f0: this.f0[step] ?? 0 };
  }

  /** Seconds of audio heard. */
  get seconds(): number {
    return this.received / RATE;
  }

  async stop(): Promise<void> {
    await (await this.tap)?.close();
  }
}
