/// <reference lib="dom" />
import { FaceBox, FaceEmbedder, MFCC_DEFAULTS, PixelFrame } from '@mer/feature-extractors';
import { AudioTap } from './audio-tap';
import { ClipRunFiles, openClipRun, replayClips, WorkerClipRun } from './clip-run-worker';
import type { KeptClip } from './clip-score';
import type { WorkerBackend } from './page-backend';
import { cropFaceRow } from './page-face-rows';
import { SampleRing } from './sample-ring';
import { runnerPlace, toWorkerOrThread } from './run-worker';
import type { ClipRunFeed } from './thread-clip-run';

export type { LiveClip } from './clip-score';

/** A clip is scored every this fraction of its span (AVT-CA: every 1.2 s, each over the last 3.6 s). */
const HOP = 1 / 3;
/** Clips that keep their rows in {@link KeptClip.features} (older ones keep their scores). */
const KEEP_FEATURES = 50;
/** With a face-crops stream (15 crops of 224² pixels: 2.3 M values a clip), only this many newest clips keep those rows. */
const KEEP_PIXEL_FEATURES = 3;

/**
 * A trained clip run (`mer live --run` with AVT-CA) on the live stream. The page's thread samples
 * `frames` frames evenly over each `seconds` and cuts the face each shows (as `mer extract` does: the
 * followed face or the centred square, at the face model's side, expression CNN 64 or FaceRes 224, or
 * at the stream's side for AVT-CA's paper preset, whose face crops are its rows), and hears the
 * microphone at the MFCC rate (the browser resamples). Every `seconds · HOP` a clip is due: the last `seconds` of crops and samples are
 * scored ({@link ThreadClipRun}) in the run's worker once it has started ({@link LiveClipRun.toWorker}:
 * what came before is held and sent then), or on the page's thread (`?runner=main`, or when the worker
 * fails: `note` says why). One clip is scored at a time: a clip that falls due while the last is still
 * being scored waits for it, so a run slower than its hop is scored as often as it can be
 * ({@link LiveClipRun.late} counts the waits).
 */
export class LiveClipRun {
  readonly clips: KeptClip[] = [];
  /** Why the run is on the page's thread though a worker was asked for. */
  note: string | null = null;
  /** Sampled frames at which a clip was due but the one before was still being scored. */
  late = 0;
  /** Told when scoring a clip fails (the page shows it in its status). */
  onError: (e: Error) => void = (e) => console.error('mer live clip run:', e);
  private readonly audio: SampleRing;
  private readonly cropSize: number;
  private nextRowAt: number | null = null;
  private nextClipAt = -Infinity;
  private sampled = 0;
  private scoring = false;
  /** The first sampled frame at which the next clip was due while the last was being scored. */
  private dueAt: number | null = null;
  /** How long the clip being scored waited (its `waited`). */
  private waiting = 0;
  private tap: AudioTap | null = null;

  private constructor(
    private readonly files: ClipRunFiles,
    private feed: ClipRunFeed,
    private readonly onScored: (clip: KeptClip) => void,
  ) {
    const { plan } = files;
    this.audio = new SampleRing(Math.round(2 * plan.seconds * MFCC_DEFAULTS.sampleRate));
    this.cropSize = plan.pixels ?? FaceEmbedder.inputSizeOf(plan.model);
  }

  /**
   * @param where `worker`: the feed is held until {@link LiveClipRun.toWorker}; `main`: the run opens on this thread now
   * @param onScored told each clip once scored
   */
  static async create(files: ClipRunFiles, where: 'worker' | 'main', onScored: (clip: KeptClip) => void = () => undefined): Promise<LiveClipRun> {
    const to: { run?: LiveClipRun } = {};
    const scored = (c: KeptClip) => to.run?.scored(c);
    const failed = (e: Error) => to.run?.failed(e);
    const feed = where === 'main' ? await openClipRun(files, scored, failed) : new WorkerClipRun(scored, failed);
    to.run = new LiveClipRun(files, feed, onScored);
    return to.run;
  }

  get name(): string {
    return this.files.manifest.pipeline;
  }

  get plan(): ClipRunFiles['plan'] {
    return this.files.plan;
  }

  /** Seconds between clips scored. */
  get hopSeconds(): number {
    return HOP * this.plan.seconds;
  }

  /** Where clips are scored now, and (while the worker is not ready) how far it has come. */
  get where(): { runner: 'main' | 'worker'; pending: string | null } {
    return runnerPlace(this.feed instanceof WorkerClipRun ? this.feed.stage : null);
  }

  /**
   * Starts the run's worker (`script`: the page's bundle) on the page's backend and sends it what was
   * held. If it fails, the run opens on this thread and takes the held feed instead.
   * @param create makes the worker (specs pass a stand-in)
   */
  async toWorker(script: string | URL, backend: WorkerBackend, create?: (script: string | URL) => Worker): Promise<void> {
    const feed = this.feed;
    if (!(feed instanceof WorkerClipRun)) return;
    const started = { start: () => feed.start(script, this.files, backend, create), drain: () => feed.drain() };
    const { thread, note } = await toWorkerOrThread(started, () => openClipRun(this.files, (c) => this.scored(c), (err) => this.failed(err)), replayClips);
    if (thread) [this.feed, this.note] = [thread, note];
  }

  /** Hears the stream's microphone at the MFCC rate (an audio context of its own). */
  async listen(stream: MediaStream): Promise<void> {
    this.tap = await AudioTap.create(MFCC_DEFAULTS.sampleRate);
    await this.tap.connect(stream, (block) => this.hear(block));
  }

  /** The microphone's next samples at the MFCC rate (22.05 kHz). */
  hear(block: Float32Array): void {
    this.audio.push(block);
  }

  /**
   * A processed frame at page time `t` (s) and the face followed on it: cut when a sampled frame is
   * due, and a clip handed to the run when one is due and none is being scored.
   */
  async frame(frame: PixelFrame, face: FaceBox | null, t: number): Promise<void> {
    const { plan } = this;
    const period = plan.seconds / plan.frames;
    this.nextRowAt ??= t;
    if (t < this.nextRowAt) return;
    // The next sample one period on; a page that fell behind starts the grid again from this frame.
    this.nextRowAt = Math.max(this.nextRowAt + period, t + period / 2);
    this.feed.crop(await cropFaceRow(frame, face, t, plan.source, this.cropSize));
    this.sampled++;
    if (this.sampled < plan.frames || t < this.nextClipAt) return;
    const samples = this.audio.last(Math.round(plan.seconds * MFCC_DEFAULTS.sampleRate));
    if (plan.mfcc && !samples) return; // the microphone has not given a whole span yet
    if (this.scoring) {
      this.late++;
      this.dueAt ??= t;
      return;
    }
    this.scoring = true;
    this.waiting = t - (this.dueAt ?? t);
    this.dueAt = null;
    this.nextClipAt = t + this.hopSeconds;
    this.feed.clip(t, plan.mfcc ? samples : null);
  }

  private scored(clip: KeptClip): void {
    this.scoring = false;
    const { plan } = this;
    clip.waited = this.waiting;
    this.clips.push(clip);
    const old = this.clips[this.clips.length - 1 - KEEP_FEATURES];
    if (old) Object.assign(old, { features: {}, masks: {} });
    const older = plan.pixels ? this.clips[this.clips.length - 1 - KEEP_PIXEL_FEATURES] : undefined;
    if (older) delete older.features[plan.face];
    this.onScored(clip);
  }

  private failed(e: Error): void {
    this.scoring = false; // a failed clip does not hold the next ones back
    this.onError(e);
  }

  async dispose(): Promise<void> {
    await this.tap?.close();
    await this.feed.dispose();
  }
}
