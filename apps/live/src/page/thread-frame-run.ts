import type * as tf from '@tensorflow/tfjs-core';
import type { FrameRun } from '@mer/pipelines';
import type { KeptPrediction } from './frame-prediction';
import { FrameRunCore } from './frame-run-core';
import { FaceCrop, PageFaceRows } from './page-face-rows';
import { FACERES_LAG_S, type FramePlan } from './run-streams';

/** What the page hands a frame run, whichever thread runs it: the microphone's samples, each frame's face crop, then the frame. */
export interface FrameRunFeed {
  /** The microphone's next 16 kHz samples (the feed may keep or transfer `chunk`), `start` the page time (s) of the first one heard. */
  hear(chunk: Float32Array, start: number): void;
  /** A processed frame's face crop (runs with a face stream); resolves when the feed has taken it. */
  crop(crop: FaceCrop): Promise<void>;
  /** A crop of page time `t` (s) has come, though the feed may take it later (a worker's queue): how far behind the newest the crops being embedded are. */
  seen?(t: number): void;
  /** A processed frame at page time `t` (s), after its crop. */
  frame(t: number): void;
  dispose(): Promise<void>;
}

/**
 * A frame run on the thread that made it (the page's, with `?runner=main`, or the run's worker): the
 * feed is taken in order (crops embedded one after another), each frame after its crop. With FaceRes
 * rows (about 80 ms a face on wasm, slower than 30 fps), a crop more than {@link FACERES_LAG_S} behind
 * the newest one handed over is not embedded: the rows hold the last face embedded, and each
 * prediction's notes say how many of the frames were embedded. The expression CNN embeds every crop.
 */
export class ThreadFrameRun implements FrameRunFeed {
  private queue: Promise<void> = Promise.resolve();
  private newest = -Infinity;
  private embedded = 0;
  private passed = 0;

  private constructor(
    private readonly core: FrameRunCore,
    private readonly faces: PageFaceRows | null,
    private readonly lag: number,
    private readonly onError: (e: Error) => void,
  ) {
    if (Number.isFinite(lag)) {
      const name = core.plan.face?.name;
      core.notes = () => (this.passed ? [`${name}: FaceRes embedded ${this.embedded} of ${this.embedded + this.passed} frames so far (about 80 ms a face); the other rows hold the last face embedded`] : []);
    }
  }

  /** @param faceGraph the graph of the plan's face model (human's `emotion` or `faceres`); null for a run without a face stream */
  static async create(run: FrameRun, plan: FramePlan, faceGraph: tf.io.ModelArtifacts | null, onPredicted: (p: KeptPrediction) => void, onError: (e: Error) => void): Promise<ThreadFrameRun> {
    if (plan.face && !faceGraph) throw new Error(`a frame run on ${plan.face.model} face rows needs the ${plan.face.model} graph`);
    const faces = plan.face ? await PageFaceRows.create(faceGraph!, plan.face.model) : null;
    const core = new FrameRunCore(run, plan, onPredicted);
    core.onError = onError;
    return new ThreadFrameRun(core, faces, plan.face?.model === 'faceres' ? FACERES_LAG_S : Infinity, onError);
  }

  seen(t: number): void {
    this.newest = Math.max(this.newest, t);
  }

  hear(chunk: Float32Array, start: number): void {
    // In the feed's order, after the crops before it: a held feed replayed at once makes the rows it would have made live.
    this.queue = this.queue.then(() => this.core.hear(chunk, start)).catch((e: Error) => this.onError(e));
  }

  crop(crop: FaceCrop): Promise<void> {
    const faces = this.faces;
    if (!faces) return this.queue;
    this.seen(crop.t);
    this.queue = this.queue
      .then(async () => {
        // Let the messages waiting on this thread come first (a worker learns of them as they arrive:
        // `seen`); the crops before them would otherwise be embedded one after another in one task.
        if (Number.isFinite(this.lag)) await new Promise((r) => setTimeout(r, 0));
        if (crop.pixels && this.newest - crop.t > this.lag) {
          this.passed++; // the rows hold the last face embedded
          return;
        }
        if (crop.pixels) this.embedded++;
        this.core.face(await faces.embed(crop));
      })
      .catch((e: Error) => this.onError(e));
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
