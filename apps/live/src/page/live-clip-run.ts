/// <reference lib="dom" />
import type * as tf from '@tensorflow/tfjs-core';
import { FaceBox, Mfcc, PixelFrame } from '@mer/feature-extractors';
import { ClipRows, ClipRun } from '@mer/pipelines';
import { AudioTap } from './audio-tap';
import { FaceRow, PageFaceRows } from './page-face-rows';
import type { ClipPlan } from './run-streams';
import { SampleRing } from './sample-ring';

/** One clip as the run scored it (`window.mer.clips()`). */
export interface LiveClip {
  /** Page-clock seconds: the span's start and its last sampled frame. */
  start: number;
  end: number;
  label: string;
  /** By class, in the run's order. */
  probabilities: Record<string, number>;
  /** Sampled frames with a face. */
  faces: number;
  /** Each stream's rows ([frames, dim] flattened), masks and row counts, as the run scored them (a face-crops stream's rows in the newest clips only). */
  features: Record<string, number[]>;
  masks: Record<string, number[]>;
  frames: Record<string, number>;
  notes: string[];
}

/** A clip is scored every this fraction of its span (AVT-CA: every 1.2 s, each over the last 3.6 s). */
const HOP = 1 / 3;
/** Clips whose statistics standardise a new one: the newest 500 (10 minutes at AVT-CA's hop), so memory stays flat. */
const STATS_CLIPS = 500;
/** Clips that keep their rows in {@link LiveClip.features} (older ones keep their scores). */
const KEEP_FEATURES = 50;
/** With a face-crops stream (15 crops of 224² pixels: 2.3 M values a clip), only this many newest clips keep those rows. */
const KEEP_PIXEL_FEATURES = 3;

/**
 * A trained clip run (`mer live --run` with AVT-CA on `face` + `mfcc`) on the live stream: every
 * `seconds · HOP` it scores the last `seconds` — `frames` frames sampled evenly over them (the face each
 * shows, cut and embedded as `mer extract` does: {@link PageFaceRows}) and the
 * MFCCs of the microphone's last `seconds` at the MFCC rate (the browser resamples). With AVT-CA's paper
 * preset the face rows are the crops themselves (`face-crops`: {@link PageFaceRows.pixels}), which its
 * network's EfficientFace-style branch encodes. All clips are one speaker's: a per-speaker run
 * standardises each new clip with the statistics of all clips so far, up to the newest
 * {@link STATS_CLIPS} (earlier scores are kept as they were); pixel rows take no statistics, so only the
 * newest clip keeps them for scoring.
 */
export class LiveClipRun {
  readonly clips: LiveClip[] = [];
  private readonly inputs: Record<string, ClipRows>[] = [];
  private readonly rows: FaceRow[] = [];
  private readonly audio: SampleRing;
  private nextRowAt: number | null = null;
  private nextClipAt = -Infinity;
  private queue: Promise<void> = Promise.resolve();
  private tap: AudioTap | null = null;
  /** Told when scoring a clip fails (the page shows it in its status). */
  onError: (e: Error) => void = (e) => console.error('mer live clip run:', e);

  private constructor(
    readonly run: ClipRun,
    readonly plan: ClipPlan,
    private readonly faces: PageFaceRows,
    private readonly mfcc: Mfcc,
    private readonly onScored: (clip: LiveClip, n: number) => void,
  ) {
    this.audio = new SampleRing(Math.round(2 * plan.seconds * mfcc.config.sampleRate));
  }

  /**
   * @param emotion human's `emotion` graph (the page already fetched it for the expression model)
   * @param onScored told each clip once scored, and how many clips the statistics came from
   */
  static async create(run: ClipRun, plan: ClipPlan, emotion: tf.io.ModelArtifacts, onScored: (clip: LiveClip, n: number) => void = () => undefined): Promise<LiveClipRun> {
    const faces = plan.pixels ? PageFaceRows.pixels(plan.pixels) : await PageFaceRows.create(emotion);
    return new LiveClipRun(run, plan, faces, new Mfcc(), onScored);
  }

  get name(): string {
    return this.run.manifest.pipeline;
  }

  /** Seconds between clips scored. */
  get hopSeconds(): number {
    return HOP * this.plan.seconds;
  }

  /** Hears the stream's microphone at the MFCC rate (an audio context of its own). */
  async listen(stream: MediaStream): Promise<void> {
    this.tap = await AudioTap.create(this.mfcc.config.sampleRate);
    await this.tap.connect(stream, (block) => this.audio.push(block));
  }

  /**
   * A processed frame at page time `t` (s) and the face followed on it: embedded when a sampled frame
   * is due; a clip is queued for scoring when one is due (the returned promise does not wait for it).
   */
  async frame(frame: PixelFrame, face: FaceBox | null, t: number): Promise<void> {
    const period = this.plan.seconds / this.plan.frames;
    this.nextRowAt ??= t;
    if (t < this.nextRowAt) return;
    // The next sample one period on; a page that fell behind starts the grid again from this frame.
    this.nextRowAt = Math.max(this.nextRowAt + period, t + period / 2);
    this.rows.push(await this.faces.row(frame, face, t, this.plan.source));
    if (this.rows.length > 2 * this.plan.frames) this.rows.shift();
    if (this.rows.length < this.plan.frames || t < this.nextClipAt) return;
    const samples = this.audio.last(Math.round(this.plan.seconds * this.mfcc.config.sampleRate));
    if (this.plan.mfcc && !samples) return; // the microphone has not given a whole span yet
    this.nextClipAt = t + this.hopSeconds;
    const sampled = this.rows.slice(-this.plan.frames);
    this.queue = this.queue.then(() => this.score(sampled, samples)).catch((e: Error) => this.onError(e));
  }

  private async score(sampled: FaceRow[], samples: Float32Array | null): Promise<void> {
    const { plan } = this;
    const dim = this.faces.dim;
    const video: ClipRows = { data: new Float32Array(plan.frames * dim), mask: Uint8Array.from(sampled, (r) => (r.face ? 1 : 0)), frames: plan.frames };
    sampled.forEach((r, i) => video.data.set(r.data, i * dim));
    const input: Record<string, ClipRows> = { [plan.face]: video };
    if (plan.mfcc && samples) {
      const m = await this.mfcc.compute(samples);
      input[plan.mfcc] = { data: m.data, frames: m.frames };
    }
    this.inputs.push(input);
    if (this.inputs.length > STATS_CLIPS) this.inputs.shift();
    const n = this.inputs.length;
    const [s] = await this.run.score(this.inputs, { only: [n - 1] });
    const end = sampled[sampled.length - 1].t;
    const clip: LiveClip = {
      start: end - plan.seconds,
      end,
      label: s.label,
      probabilities: Object.fromEntries(this.run.classes.map((c, k) => [c, s.probabilities[k]])),
      faces: video.mask!.reduce((a, b) => a + b, 0),
      features: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, Array.from(v.data)])),
      masks: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, Array.from(v.mask ?? new Uint8Array(v.frames).fill(1))])),
      frames: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v.frames])),
      notes: s.notes,
    };
    this.clips.push(clip);
    const old = this.clips[this.clips.length - 1 - KEEP_FEATURES];
    if (old) Object.assign(old, { features: {}, masks: {} });
    if (plan.pixels) {
      delete input[plan.face]; // pixel rows take no statistics: later clips score without them
      const older = this.clips[this.clips.length - 1 - KEEP_PIXEL_FEATURES];
      if (older) delete older.features[plan.face];
    }
    this.onScored(clip, n);
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.tap?.close();
    this.faces.dispose();
    this.run.dispose();
  }
}
