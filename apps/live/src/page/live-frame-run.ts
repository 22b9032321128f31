/// <reference lib="dom" />
import { type FaceBox, FaceEmbedder, type PixelFrame } from '@mer/feature-extractors';
import type { KeptPrediction } from './frame-prediction';
import { FrameRunFiles, openFrameRun, replay, WorkerFrameRun } from './frame-run-worker';
import type { LiveAudio } from './live-audio';
import type { WorkerBackend } from './page-backend';
import { cropFaceRow } from './page-face-rows';
import { runnerPlace, toWorkerOrThread } from './run-worker';
import type { FrameRunFeed } from './thread-frame-run';

/** Predictions that keep their rows (older ones keep their values). */
const KEEP_ROWS = 20;

/**
 * A trained per-frame valence/arousal run (`mer live --run` with MAVEN or TCN-fusion on their offline
 * streams) on the live stream. The page's thread cuts each processed frame's face (the followed face or
 * the centred square, as `mer extract` cuts it) and hears the microphone; the rows and predictions
 * ({@link FrameRunCore}: a 30 fps grid, a window predicted every 0.5 s) are made in the run's worker
 * once it has started ({@link LiveFrameRun.toWorker}: what came before is held and sent then), or on
 * the page's thread (`?runner=main`, or when the worker fails: `note` says why). The newest frame's
 * valence/arousal is shown.
 */
export class LiveFrameRun {
  readonly predictions: KeptPrediction[] = [];
  /** Why the run is on the page's thread though a worker was asked for. */
  note: string | null = null;
  /** Told when making rows or predicting fails (the page shows it in its status). */
  onError: (e: Error) => void = (e) => console.error('mer live frame run:', e);

  private constructor(
    private readonly files: FrameRunFiles,
    private feed: FrameRunFeed,
    private readonly onPredicted: (p: KeptPrediction) => void,
  ) {}

  /**
   * @param where `worker`: the feed is held until {@link LiveFrameRun.toWorker}; `main`: the run opens on this thread now
   */
  static async create(files: FrameRunFiles, where: 'worker' | 'main', onPredicted: (p: KeptPrediction) => void = () => undefined): Promise<LiveFrameRun> {
    // The feed reports to the run made from it.
    const to: { run?: LiveFrameRun } = {};
    const predicted = (p: KeptPrediction) => to.run?.predicted(p);
    const failed = (e: Error) => to.run?.onError(e);
    const feed = where === 'main' ? await openFrameRun(files, predicted, failed) : new WorkerFrameRun(predicted, failed);
    to.run = new LiveFrameRun(files, feed, onPredicted);
    return to.run;
  }

  get name(): string {
    return this.files.manifest.pipeline;
  }

  /** Where the rows are made and predicted now, and (while the worker is not ready) how far it has come. */
  get where(): { runner: 'main' | 'worker'; pending: string | null } {
    return runnerPlace(this.feed instanceof WorkerFrameRun ? this.feed.stage : null);
  }

  /**
   * Starts the run's worker (`script`: the page's bundle) on the page's backend and sends it what was
   * held. If it fails, the run opens on this thread and takes the held feed instead.
   * @param create makes the worker (specs pass a stand-in)
   */
  async toWorker(script: string | URL, backend: WorkerBackend, create?: (script: string | URL) => Worker): Promise<void> {
    const feed = this.feed;
    if (!(feed instanceof WorkerFrameRun)) return;
    const started = { start: () => feed.start(script, this.files, backend, create), drain: () => feed.drain() };
    const { thread, note } = await toWorkerOrThread(started, () => openFrameRun(this.files, (p) => this.predicted(p), (err) => this.onError(err)), replay);
    if (thread) [this.feed, this.note] = [thread, note];
  }

  /** Hears the page's microphone (16 kHz, as LiveAudio gets it) from now on. */
  listen(audio: LiveAudio): void {
    audio.samples((chunk, start) => this.feed.hear(chunk, start));
  }

  /** A processed frame at page time `t` (s) and the face followed on it; rows and predictions are made in the background. */
  async frame(frame: PixelFrame, face: FaceBox | null, t: number): Promise<void> {
    const f = this.files.plan.face;
    if (f) await this.feed.crop(await cropFaceRow(frame, face, t, f.source, FaceEmbedder.inputSizeOf(f.model)));
    this.feed.frame(t);
  }

  private predicted(p: KeptPrediction): void {
    this.predictions.push(p);
    const old = this.predictions[this.predictions.length - 1 - KEEP_ROWS];
    if (old) Object.assign(old, { added: {}, window: {}, va: new Float32Array(0) });
    this.onPredicted(p);
  }

  async dispose(): Promise<void> {
    await this.feed.dispose();
  }
}
