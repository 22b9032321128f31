import { AcousticLlds, EGEMAPS_CONFIG, EGEMAPS_LLD_DIM, egemapsLlds, poolLlds, pooledLogMel, StreamingLogMel } from '@mer/feature-extractors';
import { resample } from '@mer/media';
import { FrameAudioKind, PAGE_FRAME_AUDIO } from './run-streams';

const RATE = EGEMAPS_CONFIG.sampleRate;
const LLD_RATE = EGEMAPS_CONFIG.formantSampleRate;
/** Descriptor rows per second (10 ms). */
const LLD_ROWS = Math.round(1 / EGEMAPS_CONFIG.timeStep);
/** Descriptors are computed a second at a time, each with half a second of audio either side. */
const BLOCK_S = 1;
const CONTEXT_S = 0.5;

/**
 * The per-frame audio rows of `mer extract` from a live 16 kHz stream: VGGish's log-mel (streamed, no
 * centring: each spectrogram frame as the whole stream's) pooled over the 0.96 s around each frame,
 * and the eGeMAPS descriptors pooled onto the frame. Descriptors are computed a second at a time with
 * half a second of context either side: the whole stream's values, except jitter and shimmer (their
 * glottal pulses are found over voiced stretches, which can cross the 2 s slice; within 0.05 on a
 * synthetic voice, spec) and voicing, judged against the slice's peak where `mer extract` takes the
 * file's (Praat's silence threshold). The 11 kHz input for formants is resampled here from 16 kHz,
 * where `mer extract` has ffmpeg resample the file. Times are seconds from the
 * stream's first sample. Memory: the last few seconds.
 */
export class FrameAudio {
  private readonly logMel = new StreamingLogMel();
  /** 16 kHz samples from `sampleBase` on. */
  private samples = new Float32Array(0);
  private sampleBase = 0;
  private received = 0;
  /** Descriptor rows from `lldBase` on (row r is at r · 10 ms). */
  private llds = new Float32Array(0);
  private lldBase = 0;
  private lldRows = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly withDescriptors: boolean) {}

  /** The stream's next samples (16 kHz), in order. */
  push(chunk: Float32Array): Promise<void> {
    this.queue = this.queue.then(() => this.take(chunk));
    return this.queue;
  }

  /** Resolves once every chunk pushed so far is analysed. */
  settled(): Promise<void> {
    return this.queue;
  }

  private async take(chunk: Float32Array): Promise<void> {
    await this.logMel.push(chunk);
    this.received += chunk.length;
    if (!this.withDescriptors) return;
    const grown = new Float32Array(this.samples.length + chunk.length);
    grown.set(this.samples);
    grown.set(chunk, this.samples.length);
    this.samples = grown;
    // Each block [B, B + 1 s) once the stream has reached B + 1.5 s.
    for (;;) {
      const block = this.lldRows / LLD_ROWS;
      if (this.received < (block + BLOCK_S + CONTEXT_S) * RATE) break;
      const from = Math.max(0, block - CONTEXT_S);
      const x16 = this.samples.subarray(Math.round(from * RATE) - this.sampleBase, Math.round((block + BLOCK_S + CONTEXT_S) * RATE) - this.sampleBase);
      const l = egemapsLlds(x16, resample(x16, RATE, LLD_RATE));
      const skip = Math.round((block - from) * LLD_ROWS);
      const rows = l.data.subarray(skip * EGEMAPS_LLD_DIM, (skip + BLOCK_S * LLD_ROWS) * EGEMAPS_LLD_DIM);
      const all = new Float32Array(this.llds.length + rows.length);
      all.set(this.llds);
      all.set(rows, this.llds.length);
      this.llds = all;
      this.lldRows += BLOCK_S * LLD_ROWS;
    }
  }

  /** Seconds of the stream up to which frame rows can be made now (a frame's rows need audio past it). */
  get readyUntil(): number {
    // A frame's log-mel window reaches 48 spectrogram frames (0.48 s) past it.
    const logMel = (this.logMel.total - 48) / this.logMel.front.frameRate;
    const lld = this.withDescriptors ? this.lldRows / LLD_ROWS - 1 / 30 : Infinity;
    return Math.min(logMel, lld);
  }

  /**
   * One stream's rows at frame times (seconds from the stream's start, each ≤ {@link readyUntil}),
   * `fps` the frames' rate (the last frame's descriptors span 1/fps).
   * @returns [times.length, dim]
   */
  rows(kind: FrameAudioKind, times: readonly number[], fps: number): Float32Array {
    const { logMel, descriptors } = PAGE_FRAME_AUDIO[kind];
    const parts: Float32Array[] = [];
    if (logMel) {
      const v = this.logMel.view();
      parts.push(pooledLogMel(v, times.map((t) => t - v.startTime), logMel));
    }
    if (descriptors) {
      const l: AcousticLlds = { data: this.llds, frames: this.llds.length / EGEMAPS_LLD_DIM, voiced: new Uint8Array(0), timeStep: EGEMAPS_CONFIG.timeStep };
      parts.push(poolLlds(l, times.map((t) => t - this.lldBase / LLD_ROWS), fps));
    }
    if (parts.length === 1) return parts[0];
    // Side by side per row: [T, Da] ⊕ [T, Db] → [T, Da + Db].
    const dims = parts.map((p) => p.length / times.length);
    const width = dims.reduce((a, b) => a + b, 0);
    const out = new Float32Array(times.length * width);
    for (let t = 0; t < times.length; t++) {
      let at = t * width;
      parts.forEach((p, k) => {
        out.set(p.subarray(t * dims[k], (t + 1) * dims[k]), at);
        at += dims[k];
      });
    }
    return out;
  }

  /** Forgets what frames before `seconds` no longer need. */
  trimBefore(seconds: number): void {
    const from = Math.max(0, seconds - 1);
    this.logMel.trimBefore(from);
    const rows = Math.max(0, Math.floor(from * LLD_ROWS) - this.lldBase);
    if (rows > 0 && rows <= this.llds.length / EGEMAPS_LLD_DIM) {
      this.llds = this.llds.slice(rows * EGEMAPS_LLD_DIM);
      this.lldBase += rows;
    }
    // Samples before the next block's context are not needed again.
    const keep = Math.round(Math.max(0, this.lldRows / LLD_ROWS - CONTEXT_S) * RATE);
    if (keep > this.sampleBase) {
      this.samples = this.samples.slice(keep - this.sampleBase);
      this.sampleBase = keep;
    }
  }
}
