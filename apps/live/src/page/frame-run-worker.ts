/// <reference lib="dom" />
import type * as tf from '@tensorflow/tfjs-core';
import { memoryFiles } from '@mer/backend';
import { FrameRun, PipelineManifest } from '@mer/pipelines';
import { KeptPrediction, predictionBuffers } from './frame-prediction';
import type { WorkerBackend } from './page-backend';
import type { FaceCrop } from './page-face-rows';
import type { FramePlan } from './run-streams';
import { FrameRunFeed, ThreadFrameRun } from './thread-frame-run';

/** The name the page gives a frame run's worker; the bundle, loaded as that worker, serves the run. */
export const FRAME_RUN_WORKER_NAME = 'mer-frame-run';

/** A frame run as the page fetched it, in a form a worker can be sent: the manifest, the best model's files by name, the plan. */
export interface FrameRunFiles {
  manifest: PipelineManifest;
  location: string;
  files: [string, Uint8Array][];
  plan: FramePlan;
  /** human's `emotion` graph (face rows are embedded with it). */
  emotion: tf.io.ModelArtifacts;
}

type Feed = { type: 'hear'; chunk: Float32Array; start: number } | { type: 'crop'; crop: FaceCrop } | { type: 'frame'; t: number };
type Request = { type: 'open'; run: FrameRunFiles; backend: WorkerBackend } | Feed;
type Reply = { type: 'alive' } | { type: 'ready' } | { type: 'predicted'; p: KeptPrediction } | { type: 'error'; message: string };

interface WorkerScope {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(reply: Reply, transfer?: Transferable[]): void;
}

/** Opens a run from its files on this thread. */
export async function openFrameRun(r: FrameRunFiles, onPredicted: (p: KeptPrediction) => void, onError: (e: Error) => void): Promise<ThreadFrameRun> {
  return ThreadFrameRun.create(FrameRun.load(r.manifest, memoryFiles(r.location, new Map(r.files))), r.plan, r.emotion, onPredicted, onError);
}

/**
 * The worker's side: starts the page's tensor backend in its scope, opens the run and its face
 * embedder from the files the page fetched, and takes the page's feed in order, every crop embedded
 * (what the page held before the worker was ready comes at once: 150 crops for 5 s, about a second of
 * the worker's time), answering each prediction with its arrays transferred.
 */
export function serveFrameRun(scope: WorkerScope, startBackend: (b: WorkerBackend) => Promise<void>): void {
  let run: ThreadFrameRun | null = null;
  let queue: Promise<void> = Promise.resolve();
  const failed = (e: Error) => scope.postMessage({ type: 'error', message: e.message });
  scope.onmessage = (e) => {
    const m = e.data;
    queue = queue.then(async () => {
      if (m.type === 'open') {
        try {
          await startBackend(m.backend);
          run = await openFrameRun(m.run, (p) => scope.postMessage({ type: 'predicted', p }, predictionBuffers(p)), failed);
          scope.postMessage({ type: 'ready' });
        } catch (err) {
          failed(err as Error);
        }
        return;
      }
      if (!run) return; // the open failed, and said so
      try {
        if (m.type === 'hear') run.hear(m.chunk, m.start);
        else if (m.type === 'frame') run.frame(m.t);
        else await run.crop(m.crop);
      } catch (err) {
        failed(err as Error); // said, and the feed goes on
      }
    });
  };
  scope.postMessage({ type: 'alive' });
}

/**
 * The page's side of a frame run's worker: the feed is held until the worker has the run open, then
 * sent in order (crops and samples transferred). If the worker fails to start or open, `start` rejects
 * and {@link WorkerFrameRun.drain} gives the held feed back, for the page's thread to run.
 */
export class WorkerFrameRun implements FrameRunFeed {
  private held: Feed[] = [];
  private worker: Worker | null = null;
  /** How far the worker has come. */
  stage: 'waiting for the first result' | 'loading its script' | 'opening the run' | 'ready' | 'failed' = 'waiting for the first result';

  constructor(
    private readonly onPredicted: (p: KeptPrediction) => void,
    private readonly onError: (e: Error) => void,
  ) {}

  /**
   * Starts the worker (`script`: the page's bundle) and opens the run in it on the page's backend.
   * @param create makes the worker (a module worker named {@link FRAME_RUN_WORKER_NAME}; specs pass a stand-in)
   */
  async start(script: string | URL, run: FrameRunFiles, backend: WorkerBackend, create: (script: string | URL) => Worker = (s) => new Worker(s, { type: 'module', name: FRAME_RUN_WORKER_NAME })): Promise<void> {
    this.stage = 'loading its script';
    const worker = create(script);
    try {
      await new Promise<void>((resolve, reject) => {
        worker.onerror = (e) => reject(new Error(`the run's worker failed to start: ${e.message}`));
        worker.onmessage = (e: MessageEvent<Reply>) => {
          const r = e.data;
          if (r.type === 'alive') {
            this.stage = 'opening the run';
            worker.postMessage({ type: 'open', run, backend } satisfies Request);
          } else if (r.type === 'ready') resolve();
          else if (r.type === 'error') reject(new Error(`the run's worker: ${r.message}`));
        };
      });
    } catch (e) {
      this.stage = 'failed';
      worker.terminate();
      throw e;
    }
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const r = e.data;
      if (r.type === 'predicted') this.onPredicted(r.p);
      else if (r.type === 'error') this.onError(new Error(`the run's worker: ${r.message}`));
    };
    this.worker = worker;
    this.stage = 'ready';
    for (const m of this.drain()) this.send(m);
  }

  /** The feed held so far (emptied). */
  drain(): Feed[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  private send(m: Feed): void {
    if (!this.worker) {
      this.held.push(m);
      return;
    }
    const transfer = m.type === 'hear' ? [m.chunk.buffer] : m.type === 'crop' && m.crop.pixels ? [m.crop.pixels.buffer] : [];
    this.worker.postMessage(m satisfies Request, transfer as ArrayBuffer[]);
  }

  hear(chunk: Float32Array, start: number): void {
    this.send({ type: 'hear', chunk: chunk.slice(), start });
  }

  async crop(crop: FaceCrop): Promise<void> {
    this.send({ type: 'crop', crop });
  }

  frame(t: number): void {
    this.send({ type: 'frame', t });
  }

  async dispose(): Promise<void> {
    this.worker?.terminate();
    this.held = [];
  }
}

/** Hands a held feed to another (in order). */
export function replay(feed: Feed[], to: FrameRunFeed): void {
  for (const m of feed) {
    if (m.type === 'hear') to.hear(m.chunk, m.start);
    else if (m.type === 'crop') void to.crop(m.crop);
    else to.frame(m.t);
  }
}
