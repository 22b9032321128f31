/// <reference lib="dom" />
import type * as tf from '@tensorflow/tfjs-core';
import type { PipelineManifest } from '@mer/pipelines';
import type { WorkerBackend } from './page-backend';

/** A run as the page fetched it, in a form a worker can be sent: the manifest, the best model's files by name, what the page computes for it. */
export interface RunFiles<Plan> {
  manifest: PipelineManifest;
  location: string;
  files: [string, Uint8Array][];
  plan: Plan;
  /** The graph of the run's face model (human's `emotion` or `faceres`) its face rows are embedded with; null when no face model embeds them (no face stream, or the crops' pixels). */
  faceGraph: tf.io.ModelArtifacts | null;
}

/** What a run's worker answers besides its own results: it is alive (its script loaded), ready (the run open), or something failed. */
type Control = { type: 'alive' } | { type: 'ready' } | { type: 'error'; message: string };

/** The worker's scope as the serving side uses it. */
export interface RunWorkerScope<Request, Reply> {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(reply: Reply | Control, transfer?: Transferable[]): void;
}

/**
 * The worker's side of a run's worker: starts the page's tensor backend in its scope, opens the run
 * from the files the page sent (`open`, which gets a way to post results back), then takes the page's
 * feed in order (`take`; `arrive` is told of each message as it comes). Failures are posted as errors;
 * the feed goes on after one.
 */
export function serveRun<Files, Feed extends { type: string }, Run, Reply>(
  scope: RunWorkerScope<{ type: 'open'; run: Files; backend: WorkerBackend } | Feed, Reply>,
  startBackend: (b: WorkerBackend) => Promise<void>,
  open: (files: Files, post: (reply: Reply, transfer?: Transferable[]) => void, failed: (e: Error) => void) => Promise<Run>,
  take: (run: Run, m: Feed) => Promise<void> | void,
  arrive?: (run: Run, m: Feed) => void,
): void {
  let run: Run | null = null;
  let queue: Promise<void> = Promise.resolve();
  const failed = (e: Error) => scope.postMessage({ type: 'error', message: e.message });
  scope.onmessage = (e) => {
    const m = e.data;
    // Told as a message comes, before the ones queued ahead of it are taken.
    if (run && m.type !== 'open') arrive?.(run, m as Feed);
    queue = queue.then(async () => {
      if (m.type === 'open') {
        try {
          const o = m as { type: 'open'; run: Files; backend: WorkerBackend };
          await startBackend(o.backend);
          run = await open(o.run, (reply, transfer) => scope.postMessage(reply, transfer), failed);
          scope.postMessage({ type: 'ready' });
        } catch (err) {
          failed(err as Error);
        }
        return;
      }
      if (!run) return; // the open failed, and said so
      try {
        await take(run, m as Feed);
      } catch (err) {
        failed(err as Error); // said, and the feed goes on
      }
    });
  };
  scope.postMessage({ type: 'alive' });
}

/** How far a run's worker has come. */
export type RunWorkerStage = 'waiting for the first result' | 'loading its script' | 'opening the run' | 'ready' | 'failed';

/**
 * The page's side of a run's worker: the feed is held until the worker has the run open, then sent in
 * order (`transfer` names what each message may hand over). If the worker fails to start or open,
 * `start` rejects and {@link HeldRunWorker.drain} gives the held feed back, for the page's thread to run.
 */
export class HeldRunWorker<Files, Feed extends { type: string }, Reply> {
  private held: Feed[] = [];
  private worker: Worker | null = null;
  stage: RunWorkerStage = 'waiting for the first result';

  /** @param name the worker's name, by which the page's bundle knows what to serve */
  constructor(
    private readonly name: string,
    private readonly transfer: (m: Feed) => Transferable[],
    private readonly onReply: (r: Reply) => void,
    private readonly onError: (e: Error) => void,
  ) {}

  /**
   * Starts the worker (`script`: the page's bundle, loaded under the worker's name) and opens `run` in it on `backend`.
   * @param create makes the worker (a module worker; specs pass a stand-in)
   */
  async start(script: string | URL, run: Files, backend: WorkerBackend, create: (script: string | URL) => Worker = (s) => new Worker(s, { type: 'module', name: this.name })): Promise<void> {
    this.stage = 'loading its script';
    const worker = create(script);
    try {
      await new Promise<void>((resolve, reject) => {
        worker.onerror = (e) => reject(new Error(`the run's worker failed to start: ${e.message}`));
        worker.onmessage = (e: MessageEvent<Control>) => {
          const r = e.data;
          if (r.type === 'alive') {
            this.stage = 'opening the run';
            worker.postMessage({ type: 'open', run, backend });
          } else if (r.type === 'ready') resolve();
          else if (r.type === 'error') reject(new Error(`the run's worker: ${r.message}`));
        };
      });
    } catch (e) {
      this.stage = 'failed';
      worker.terminate();
      throw e;
    }
    worker.onmessage = (e: MessageEvent<Reply | Control>) => {
      const r = e.data as { type: string; message?: string };
      if (r.type === 'error') this.onError(new Error(`the run's worker: ${r.message}`));
      else this.onReply(r as Reply);
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

  protected send(m: Feed): void {
    if (!this.worker) this.held.push(m);
    else this.worker.postMessage(m, this.transfer(m));
  }

  async dispose(): Promise<void> {
    this.worker?.terminate();
    this.held = [];
  }
}

/** Where a run makes its rows or scores now (`worker`: the feed is a {@link HeldRunWorker}, at `stage`), and while its worker is not ready, how far it has come. */
export function runnerPlace(stage: RunWorkerStage | null): { runner: 'main' | 'worker'; pending: string | null } {
  if (stage === null) return { runner: 'main', pending: null };
  if (stage === 'failed') return { runner: 'worker', pending: "the run's worker failed; the run is opening on the page's thread" };
  return { runner: 'worker', pending: stage === 'ready' ? null : `the run's worker is ${stage}` };
}

/**
 * Starts a run's worker ({@link HeldRunWorker.start}); if it fails, opens the run on this thread
 * (`onThread`) and hands it the held feed (`replay`). Resolves to the feed to use from now on (null:
 * the worker's) and, when the run stayed on this thread, why.
 */
export async function toWorkerOrThread<Feed, Thread>(worker: { start(): Promise<void>; drain(): Feed[] }, onThread: () => Promise<Thread>, replay: (held: Feed[], to: Thread) => void): Promise<{ thread: Thread | null; note: string | null }> {
  try {
    await worker.start();
    return { thread: null, note: null };
  } catch (e) {
    const note = `the run stays on the page's thread: ${(e as Error).message}`;
    console.warn('mer live:', note);
    const thread = await onThread();
    replay(worker.drain(), thread);
    return { thread, note };
  }
}
