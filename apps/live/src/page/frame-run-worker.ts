/// <reference lib="dom" />
import { memoryFiles } from '@mer/backend';
import { FrameRun } from '@mer/pipelines';
import { KeptPrediction, predictionBuffers } from './frame-prediction';
import type { WorkerBackend } from './page-backend';
import { HeldRunWorker, RunFiles, RunWorkerScope, serveRun } from './run-worker';
import type { FaceCrop } from './page-face-rows';
import type { FramePlan } from './run-streams';
import { FrameRunFeed, ThreadFrameRun } from './thread-frame-run';

/** The name the page gives a frame run's worker; the bundle, loaded as that worker, serves the run. */
export const FRAME_RUN_WORKER_NAME = 'mer-frame-run';

/** A frame run as the page fetched it ({@link RunFiles}). */
export type FrameRunFiles = RunFiles<FramePlan>;

type Feed = { type: 'hear'; chunk: Float32Array; start: number } | { type: 'crop'; crop: FaceCrop } | { type: 'frame'; t: number };
type Reply = { type: 'predicted'; p: KeptPrediction };

/** Opens a run from its files on this thread. */
export async function openFrameRun(r: FrameRunFiles, onPredicted: (p: KeptPrediction) => void, onError: (e: Error) => void): Promise<ThreadFrameRun> {
  return ThreadFrameRun.create(FrameRun.load(r.manifest, memoryFiles(r.location, new Map(r.files))), r.plan, r.faceGraph, onPredicted, onError);
}

/**
 * The worker's side: starts the page's tensor backend in its scope, opens the run and its face
 * embedder from the files the page fetched, and takes the page's feed in order, every crop embedded
 * (what the page held before the worker was ready comes at once: 150 crops for 5 s, about a second of
 * the worker's time), answering each prediction with its arrays transferred.
 */
export function serveFrameRun(scope: RunWorkerScope<{ type: 'open'; run: FrameRunFiles; backend: WorkerBackend } | Feed, Reply>, startBackend: (b: WorkerBackend) => Promise<void>): void {
  serveRun<FrameRunFiles, Feed, ThreadFrameRun, Reply>(
    scope,
    startBackend,
    (files, post, failed) => openFrameRun(files, (p) => post({ type: 'predicted', p }, predictionBuffers(p)), failed),
    async (run, m) => {
      if (m.type === 'hear') run.hear(m.chunk, m.start);
      else if (m.type === 'frame') run.frame(m.t);
      else await run.crop(m.crop);
    },
    (run, m) => (m.type === 'crop' ? run.seen(m.crop.t) : undefined),
  );
}

/**
 * The page's side of a frame run's worker ({@link HeldRunWorker}): the feed is held until the worker
 * has the run open, then sent in order (crops and samples transferred). If the worker fails to start or
 * open, `start` rejects and `drain` gives the held feed back, for the page's thread to run.
 */
export class WorkerFrameRun extends HeldRunWorker<FrameRunFiles, Feed, Reply> implements FrameRunFeed {
  constructor(onPredicted: (p: KeptPrediction) => void, onError: (e: Error) => void) {
    const transfer = (m: Feed) => (m.type === 'hear' ? [m.chunk.buffer] : m.type === 'crop' && m.crop.pixels ? [m.crop.pixels.buffer] : []) as ArrayBuffer[];
    super(FRAME_RUN_WORKER_NAME, transfer, (r) => onPredicted(r.p), onError);
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
}

/** Hands a held feed to another (in order). */
export function replay(feed: Feed[], to: FrameRunFeed): void {
  for (const m of feed) {
    if (m.type === 'hear') to.hear(m.chunk, m.start);
    else if (m.type === 'crop') void to.crop(m.crop);
    else to.frame(m.t);
  }
}
