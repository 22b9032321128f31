/// <reference lib="dom" />
import type * as tf from '@tensorflow/tfjs-core';
import type { FaceBox, PixelFrame } from '@mer/feature-extractors';
import type { ClipRows, FrameRun } from '@mer/pipelines';
import { FrameAudio } from './frame-audio';
import type { LiveAudio } from './live-audio';
import { FaceRow, PageFaceRows } from './page-face-rows';
import { FramePlan, PAGE_FRAME_AUDIO } from './run-streams';

/** Rows of one stream as the page fed them: [frames, dim] flattened, and which hold values (`window.mer.frames()` gives them as plain arrays). */
export interface LiveRows<A = number[]> {
  data: A;
  mask: A;
  frames: number;
}

/** One window the run predicted (`window.mer.frames()`). */
export interface LiveFramePrediction<A = number[]> {
  /** Page time (s) of the window's newest frame, and its valence and arousal. */
  time: number;
  valence: number;
  arousal: number;
  /** Frames in the window. */
  frames: number;
  notes: string[];
  /** The window's valence/arousal, [frames, 2] flattened (kept, like the rows, on the newest {@link KEEP_ROWS}). */
  va: A;
  /** The frames added to the session's statistics just before (each stream's rows), and the window predicted; kept on the newest {@link KEEP_ROWS} predictions. */
  added: Record<string, LiveRows<A>>;
  window: Record<string, LiveRows<A>>;
}

/** What the page keeps: typed arrays, made plain only when asked for (`window.mer.frames()`), not on every prediction. */
type KeptPrediction = LiveFramePrediction<Float32Array | Uint8Array>;

/** A kept prediction as `window.mer.frames()` gives it: plain arrays. */
export function plainPrediction(p: KeptPrediction): LiveFramePrediction {
  const rows = (r: Record<string, LiveRows<Float32Array | Uint8Array>>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { data: Array.from(v.data), mask: Array.from(v.mask), frames: v.frames }]));
  return { ...p, notes: [...p.notes], va: Array.from(p.va), added: rows(p.added), window: rows(p.window) };
}

/** Rows a second: the camera's rate, and the frames `mer extract` makes of a 30 fps video. */
const FPS = 30;
/** A prediction every this many new frames (0.5 s). */
const HOP = 15;
/** Predictions that keep their rows in {@link LiveFramePrediction} (older ones keep their values). */
const KEEP_ROWS = 20;

const kept = (r: ClipRows): LiveRows<Float32Array | Uint8Array> => ({ data: r.data, mask: r.mask ?? new Uint8Array(r.frames).fill(1), frames: r.frames });

/**
 * A trained per-frame valence/arousal run (`mer live --run` with MAVEN or TCN-fusion on their offline
 * streams) on the live stream. Rows come on a 30 fps grid from the first processed frame: the face row
 * of the newest processed frame ({@link PageFaceRows}: the followed face or the centred square, cut and embedded as `mer
 * extract` does; a frame the page skipped holds the last one), the audio rows `mer extract` makes at
 * that time ({@link FrameAudio}: a row is made once the microphone has passed it by half a second,
 * and the descriptors by up to 1.5 s), text rows masked (no transcript in the page). Every 15 new rows
 * (0.5 s) they join the session's statistics (per-speaker runs standardise with them) and the run
 * predicts the last window of its size; the newest frame's valence/arousal is shown.
 */
export class LiveFrameRun {
  readonly predictions: KeptPrediction[] = [];
  private readonly faces: FaceRow[] = [];
  /** Page time of the first microphone sample {@link FrameAudio} has. */
  private origin: number | null = null;
  private gridStart: number | null = null;
  private next = 0;
  private readonly window: Record<string, { rows: Float32Array[]; mask: number[] }> = {};
  private fresh: Record<string, { rows: Float32Array[]; mask: number[] }> = {};
  private queue: Promise<void> = Promise.resolve();
  /** Told when making rows or predicting fails (the page shows it in its status). */
  onError: (e: Error) => void = (e) => console.error('mer live frame run:', e);

  private constructor(
    readonly run: FrameRun,
    readonly plan: FramePlan,
    private readonly faceRows: PageFaceRows | null,
    private readonly audio: FrameAudio,
    private readonly onPredicted: (p: KeptPrediction) => void,
  ) {
    for (const s of run.streams) this.window[s.name] = { rows: [], mask: [] };
    this.fresh = this.empty();
  }

  /** @param emotion human's `emotion` graph (the page already fetched it for the expression model) */
  static async create(run: FrameRun, plan: FramePlan, emotion: tf.io.ModelArtifacts, onPredicted: (p: KeptPrediction) => void = () => undefined): Promise<LiveFrameRun> {
    const faces = plan.face ? await PageFaceRows.create(emotion, plan.face.source) : null;
    return new LiveFrameRun(run, plan, faces, new FrameAudio(plan.audio.some((a) => PAGE_FRAME_AUDIO[a.kind].descriptors)), onPredicted);
  }

  get name(): string {
    return this.run.manifest.pipeline;
  }

  /** Hears the page's microphone (16 kHz, as LiveAudio gets it) from now on. */
  listen(audio: LiveAudio): void {
    audio.samples((chunk, start) => {
      this.origin ??= start;
      void this.audio.push(chunk);
    });
  }

  /** A processed frame at page time `t` (s) and the face followed on it; rows and predictions are made in the background. */
  async frame(frame: PixelFrame, face: FaceBox | null, t: number): Promise<void> {
    if (this.faceRows) {
      this.faces.push(await this.faceRows.row(frame, face, t));
      while (this.faces.length > 2 && this.faces[1].t < t - 5) this.faces.shift();
    }
    this.gridStart ??= t;
    this.queue = this.queue.then(() => this.advance(t)).catch((e: Error) => this.onError(e));
  }

  private empty(): Record<string, { rows: Float32Array[]; mask: number[] }> {
    return Object.fromEntries(this.run.streams.map((s) => [s.name, { rows: [], mask: [] }]));
  }

  /** Makes the grid rows up to `now` whose audio is ready, and predicts every {@link HOP} of them. */
  private async advance(now: number): Promise<void> {
    if (this.origin === null || this.gridStart === null) return;
    await this.audio.settled();
    const until = Math.min(now, this.origin + this.audio.readyUntil);
    const times: number[] = [];
    for (let t = this.gridStart + this.next / FPS; t <= until && t >= this.origin; t = this.gridStart + this.next / FPS) {
      times.push(t);
      this.next++;
    }
    if (times.length === 0) {
      if (this.gridStart + this.next / FPS < this.origin) this.next = Math.ceil((this.origin - this.gridStart) * FPS); // rows before the microphone started are never made
      return;
    }
    const dims = Object.fromEntries(this.run.streams.map((s) => [s.name, s.dim]));
    const add = (name: string, row: Float32Array, valid: boolean) => {
      for (const part of [this.window[name], this.fresh[name]]) {
        part.rows.push(row);
        part.mask.push(valid ? 1 : 0);
      }
    };
    if (this.plan.face) {
      for (const t of times) {
        let held: FaceRow | undefined;
        for (const f of this.faces) if (f.t <= t + 0.5 / FPS) held = f;
        add(this.plan.face.name, held?.data ?? new Float32Array(dims[this.plan.face.name]), held?.face ?? false);
      }
    }
    for (const a of this.plan.audio) {
      const rows = this.audio.rows(a.kind, times.map((t) => t - this.origin!), FPS);
      const d = dims[a.name];
      times.forEach((_, i) => add(a.name, rows.slice(i * d, (i + 1) * d), true));
    }
    for (const name of this.plan.text) for (const _ of times) add(name, new Float32Array(dims[name]), false);
    const W = this.run.windowSize;
    for (const w of Object.values(this.window)) {
      w.rows.splice(0, Math.max(0, w.rows.length - W));
      w.mask.splice(0, Math.max(0, w.mask.length - W));
    }
    this.audio.trimBefore(times[times.length - 1] - this.origin - W / FPS);
    if (this.fresh[this.run.streams[0].name].rows.length >= HOP) await this.predict(times[times.length - 1]);
  }

  private async predict(time: number): Promise<void> {
    const pack = (part: Record<string, { rows: Float32Array[]; mask: number[] }>): Record<string, ClipRows> =>
      Object.fromEntries(
        this.run.streams.map((s) => {
          const p = part[s.name];
          const data = new Float32Array(p.rows.length * s.dim);
          p.rows.forEach((r, i) => data.set(r, i * s.dim));
          return [s.name, { data, mask: Uint8Array.from(p.mask), frames: p.rows.length }];
        }),
      );
    const added = pack(this.fresh);
    this.fresh = this.empty();
    this.run.add(added);
    const window = pack(this.window);
    const frames = window[this.run.streams[0].name].frames;
    const { va, notes } = await this.run.predict(window);
    const p: KeptPrediction = {
      time,
      valence: va[2 * (frames - 1)],
      arousal: va[2 * (frames - 1) + 1],
      frames,
      notes: [...notes, ...this.plan.text.map((t) => `${t}: masked (no transcript in the page)`)],
      va,
      added: Object.fromEntries(Object.entries(added).map(([k, r]) => [k, kept(r)])),
      window: Object.fromEntries(Object.entries(window).map(([k, r]) => [k, kept(r)])),
    };
    this.predictions.push(p);
    const old = this.predictions[this.predictions.length - 1 - KEEP_ROWS];
    if (old) Object.assign(old, { added: {}, window: {}, va: new Float32Array(0) });
    this.onPredicted(p);
  }

  async dispose(): Promise<void> {
    await this.queue;
    this.faceRows?.dispose();
    this.run.dispose();
  }
}
