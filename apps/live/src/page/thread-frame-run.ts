import type * as tf from '@tensorflow/tfjs-core';
import type { FrameRun } from '@mer/pipelines';
import type { KeptPrediction } from './frame-prediction';
import { FrameRunCore } from './frame-run-core';
import { FaceCrop, PageFaceRows } from './page-face-rows';
import type { FramePlan } from './run-streams';

/** What the page hands a frame run, whichever thread runs it: the microphone's samples, each frame's face crop, then the frame. */
export interface FrameRunFeed {
  /** The microphone's next 16 kHz samples (the feed may keep or transfer `chunk`), `start` the page time (s) of the first one heard. */
  hear(chunk: Float32Array, start: number): void;
  /** A processed frame's face crop (runs with a face stream); resolves when the feed has taken it. */
  crop(crop: FaceCrop): Promise<void>;
  /** A processed frame at page time `t` (s), after its crop. */
  frame(t: number): void;
  dispose(): Promise<void>;
}

/**
 * A frame run on the thread that made it (the page's, with `?runner=main`, or the run's worker): the
 * feed is taken in order (crops embedded one after another), each frame after its crop.
 */
export class ThreadFrameRun implements FrameRunFeed {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly core: FrameRunCore,
    private readonly faces: PageFaceRows | null,
    private readonly onError: (e: Error) => void,
  ) {}

  /** @param emotion human's `emotion` graph (face rows are embedded with it) */
  static async create(run: FrameRun, plan: FramePlan, emotion: tf.io.ModelArtifacts, onPredicted: (p: KeptPrediction) => void, onError: (e: Error) => void): Promise<ThreadFrameRun> {
    const faces = plan.face ? await PageFaceRows.create(emotion) : null;
    const core = new FrameRunCore(run, plan, onPredicted);
    core.onError = onError;
    return new ThreadFrameRun(core, faces, onError);
  }

  hear(chunk: Float32Array, start: number): void {
    // In the feed's order, after the crops before it: a held feed replayed at once makes the rows it would have made live.
    this.queue = this.queue.then(() => this.core.hear(chunk, start)).catch((e: Error) => this.onError(e));
  }

  crop(crop: FaceCrop): Promise<void> {
    const faces = this.faces;
    if (!faces) return this.queue;
    this.queue = this.queue.then(async () => this.core.face(await faces.embed(crop))).catch((e: Error) => this.onError(e));
    return this.queue;
  }

  frame(t: number): void {
    this.queue = this.queue.then(() => void this.core.frame(t)).catch((e: Error) => this.onError(e));
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.core.dispose();
    this.faces?.dispose();
  }
}
