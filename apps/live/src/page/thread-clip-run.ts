import type * as tf from '@tensorflow/tfjs-core';
import { Mfcc } from '@mer/feature-extractors';
import type { ClipRows, ClipRun } from '@mer/pipelines';
import type { KeptClip } from './clip-score';
import { FaceCrop, FaceRow, PageFaceRows } from './page-face-rows';
import type { ClipPlan } from './run-streams';

/** Clips whose statistics standardise a new one: the newest 500 (10 minutes at AVT-CA's hop), so memory stays flat. */
const STATS_CLIPS = 500;

/** What the page hands a clip run, whichever thread scores it: each sampled frame's face crop, and when a clip is due, the microphone's span. */
export interface ClipRunFeed {
  /** A sampled frame's face crop (the feed may transfer its pixels). */
  crop(crop: FaceCrop): void;
  /** Score the last `frames` crops with the microphone's last span at the MFCC rate (null: the run reads no MFCCs), the span ending at page time `end` (s). */
  clip(end: number, samples: Float32Array | null): void;
  dispose(): Promise<void>;
}

/**
 * A clip run on the thread that opened it (the run's worker, or the page's with `?runner=main`): each
 * crop becomes its face row (embedded by a shipped face model, the expression CNN or FaceRes, or kept as pixels for a
 * face-crops stream: {@link PageFaceRows}), and each clip is scored from the last `frames` rows and the
 * MFCCs of its samples. All clips are one speaker's: a per-speaker run standardises each new clip with
 * the statistics of all clips so far, up to the newest {@link STATS_CLIPS}; pixel rows take no
 * statistics, so only the clip being scored keeps them.
 */
export class ThreadClipRun implements ClipRunFeed {
  private readonly rows: FaceRow[] = [];
  private readonly inputs: Record<string, ClipRows>[] = [];
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly run: ClipRun,
    private readonly plan: ClipPlan,
    private readonly faces: PageFaceRows,
    private readonly mfcc: Mfcc,
    private readonly onScored: (clip: KeptClip) => void,
    private readonly onError: (e: Error) => void,
  ) {}

  /** @param faceGraph the graph of the plan's face model (human's `emotion` or `faceres`); null when the rows are the crops' pixels */
  static async create(run: ClipRun, plan: ClipPlan, faceGraph: tf.io.ModelArtifacts | null, onScored: (clip: KeptClip) => void, onError: (e: Error) => void): Promise<ThreadClipRun> {
    if (!plan.pixels && !faceGraph) throw new Error(`a clip run on ${plan.model} face rows needs the ${plan.model} graph`);
    const faces = plan.pixels ? PageFaceRows.pixels(plan.pixels) : await PageFaceRows.create(faceGraph!, plan.model);
    return new ThreadClipRun(run, plan, faces, new Mfcc(), onScored, onError);
  }

  crop(crop: FaceCrop): void {
    this.queue = this.queue
      .then(async () => {
        this.rows.push(await this.faces.embed(crop));
        if (this.rows.length > this.plan.frames) this.rows.shift();
      })
      .catch((e: Error) => this.onError(e));
  }

  clip(end: number, samples: Float32Array | null): void {
    this.queue = this.queue.then(() => this.score(end, samples)).catch((e: Error) => this.onError(e));
  }

  private async score(end: number, samples: Float32Array | null): Promise<void> {
    const t0 = performance.now();
    const { plan } = this;
    const sampled = this.rows.slice(-plan.frames);
    if (sampled.length < plan.frames) throw new Error(`a clip of ${plan.frames} frames was asked for after ${sampled.length} crops`);
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
    const clip: KeptClip = {
      start: end - plan.seconds,
      end,
      label: s.label,
      probabilities: Object.fromEntries(this.run.classes.map((c, k) => [c, s.probabilities[k]])),
      faces: video.mask!.reduce((a, b) => a + b, 0),
      // Copies of the rows the statistics keep (the clip may be transferred to the page); pixel rows are not kept.
      features: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, k === plan.face && plan.pixels ? v.data : v.data.slice()])),
      masks: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, (v.mask ?? new Uint8Array(v.frames).fill(1)).slice()])),
      frames: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v.frames])),
      notes: s.notes,
      clips: n,
      scoreMs: performance.now() - t0,
      waited: 0, // the page's thread knows (LiveClipRun sets it)
    };
    if (plan.pixels) delete input[plan.face]; // pixel rows take no statistics: later clips score without them
    this.onScored(clip);
  }

  async dispose(): Promise<void> {
    await this.queue;
    this.faces.dispose();
    this.run.dispose();
  }
}
