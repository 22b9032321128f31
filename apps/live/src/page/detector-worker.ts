/// <reference lib="dom" />
import type * as tf from '@tensorflow/tfjs-core';
import { DetectionGeometry, FaceBox, FaceDetector, PixelFrame } from '@mer/feature-extractors';
import type { WorkerBackend } from './page-backend';
import { PAGE_FACE_RUNTIME } from './page-face-runtime';

/** The name the page gives the detector's worker; the bundle, loaded as that worker, serves detection. */
export const DETECTOR_WORKER_NAME = 'mer-face-detector';

type Request = { type: 'open'; model: tf.io.ModelArtifacts; name: string; backend: WorkerBackend } | { type: 'detect'; id: number; frame: PixelFrame; geometry: DetectionGeometry };
type Reply = { type: 'alive' } | { type: 'ready' } | { type: 'faces'; id: number; faces: FaceBox[]; ms: number } | { type: 'error'; id: number | null; message: string };

interface WorkerScope {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(reply: Reply): void;
}

/**
 * The worker's side: starts the page's tensor backend in its scope (`startBackend`), opens BlazeFace
 * from the graph the page fetched, as the page does ({@link PAGE_FACE_RUNTIME}), and answers each frame
 * with the faces on it, as `mer analyze` detects them (`largest`: only the largest face matters).
 */
export function serveDetector(scope: WorkerScope, startBackend: (b: WorkerBackend) => Promise<void>): void {
  let detector: FaceDetector | null = null;
  let queue: Promise<void> = Promise.resolve();
  scope.onmessage = (e) => {
    const m = e.data;
    queue = queue.then(async () => {
      try {
        if (m.type === 'open') {
          await startBackend(m.backend);
          detector = await FaceDetector.load({ model: m.model, modelPath: m.name, letterbox: false, runtime: PAGE_FACE_RUNTIME }).catch((e: Error) => {
            throw new Error(`${m.name}: ${e.message}`);
          });
          scope.postMessage({ type: 'ready' });
        } else {
          if (!detector) throw new Error('the detector is not open');
          const t0 = performance.now();
          const faces = await detector.detectPixels(m.frame, { geometry: m.geometry, largest: true });
          scope.postMessage({ type: 'faces', id: m.id, faces, ms: performance.now() - t0 });
        }
      } catch (err) {
        scope.postMessage({ type: 'error', id: m.type === 'detect' ? m.id : null, message: (err as Error).message });
      }
    });
  };
  // Listening now: a message posted before this (while the bundle was still evaluating) could be lost.
  scope.postMessage({ type: 'alive' });
}

/**
 * BlazeFace in a worker of its own, so the page's thread grabs, classifies and draws frames while a
 * detection runs (on a second core). The worker runs this same bundle (`script`, its URL) and its own
 * tfjs on the page's backend.
 */
export class WorkerDetector {
  private next = 0;
  private readonly waiting = new Map<number, { resolve(r: { faces: FaceBox[]; ms: number }): void; reject(e: Error): void }>();

  /** How far the worker has come (shown while it is not ready). */
  stage: 'loading its script' | 'opening BlazeFace' | 'ready' = 'loading its script';
  /** Resolves when the worker listens (it says so once the bundle has run). */
  private readonly alive: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.alive = new Promise((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`the face detector's worker failed to start: ${e.message}`));
      worker.onmessage = (e: MessageEvent<Reply>) => {
        if (e.data.type === 'alive') resolve();
      };
    });
    this.alive.catch(() => undefined); // awaited by open
  }

  /**
   * Starts the worker (it loads and parses the bundle meanwhile); {@link WorkerDetector.open} then
   * opens BlazeFace in it. Start it early: the page fetches the graph in the meantime.
   * @param script the page's bundle, which the worker runs
   * @param create makes the worker (a module worker named {@link DETECTOR_WORKER_NAME}; specs pass a stand-in)
   */
  static spawn(script: string | URL, create: (script: string | URL) => Worker = (s) => new Worker(s, { type: 'module', name: DETECTOR_WORKER_NAME })): WorkerDetector {
    return new WorkerDetector(create(script));
  }

  /**
   * @param model BlazeFace's graph as fetched (copied to the worker)
   * @param name its URL, for messages
   * @param backend the page's backend, which the worker starts
   */
  async open(model: tf.io.ModelArtifacts, name: string, backend: WorkerBackend): Promise<WorkerDetector> {
    const worker = this.worker;
    await this.alive;
    this.stage = 'opening BlazeFace';
    return new Promise((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`the face detector's worker failed to start: ${e.message}`));
      worker.onmessage = (e: MessageEvent<Reply>) => {
        const r = e.data;
        if (r.type === 'ready') {
          this.stage = 'ready';
          worker.onmessage = (ev: MessageEvent<Reply>) => this.reply(ev.data);
          resolve(this);
        } else if (r.type === 'error') reject(new Error(`the face detector's worker: ${r.message}`));
      };
      worker.postMessage({ type: 'open', model, name, backend } satisfies Request);
    });
  }

  /** The faces on `frame` (its bytes are copied; the caller keeps the frame) and the worker's ms for them. */
  detect(frame: PixelFrame, geometry: DetectionGeometry): Promise<{ faces: FaceBox[]; ms: number }> {
    const id = this.next++;
    const copy = { data: frame.data.slice(), width: frame.width, height: frame.height };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'detect', id, frame: copy, geometry } satisfies Request, [copy.data.buffer]);
    });
  }

  private reply(r: Reply): void {
    if (r.type === 'ready' || r.type === 'alive') return;
    if (r.id === null) return;
    const w = this.waiting.get(r.id);
    if (!w) return;
    this.waiting.delete(r.id);
    if (r.type === 'faces') w.resolve({ faces: r.faces, ms: r.ms });
    else w.reject(new Error(`the face detector's worker: ${r.message}`));
  }

  dispose(): void {
    this.worker.terminate();
    for (const w of this.waiting.values()) w.reject(new Error('the face detector was closed'));
    this.waiting.clear();
  }
}
