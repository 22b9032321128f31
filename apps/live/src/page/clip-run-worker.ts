/// <reference lib="dom" />
import { memoryFiles } from '@mer/backend';
import { ClipRun } from '@mer/pipelines';
import { clipBuffers, KeptClip } from './clip-score';
import type { WorkerBackend } from './page-backend';
import type { FaceCrop } from './page-face-rows';
import { HeldRunWorker, RunFiles, RunWorkerScope, serveRun } from './run-worker';
import type { ClipPlan } from './run-streams';
import { ClipRunFeed, ThreadClipRun } from './thread-clip-run';

/** The name the page gives a clip run's worker; the bundle, loaded as that worker, serves the run. */
export const CLIP_RUN_WORKER_NAME = 'mer-clip-run';

/** A clip run as the page fetched it ({@link RunFiles}). */
export type ClipRunFiles = RunFiles<ClipPlan>;

type Feed = { type: 'crop'; crop: FaceCrop } | { type: 'clip'; end: number; samples: Float32Array | null };
type Reply = { type: 'scored'; clip: KeptClip };

/** Opens a clip run from its files on this thread. */
export function openClipRun(r: ClipRunFiles, onScored: (clip: KeptClip) => void, onError: (e: Error) => void): Promise<ThreadClipRun> {
  return ThreadClipRun.create(ClipRun.load(r.manifest, memoryFiles(r.location, new Map(r.files))), r.plan, r.faceGraph, onScored, onError);
}

/** The worker's side: opens the run from the files the page fetched, takes its crops and clips in order, and answers each scored clip with its arrays transferred. */
export function serveClipRun(scope: RunWorkerScope<{ type: 'open'; run: ClipRunFiles; backend: WorkerBackend } | Feed, Reply>, startBackend: (b: WorkerBackend) => Promise<void>): void {
  serveRun<ClipRunFiles, Feed, ThreadClipRun, Reply>(
    scope,
    startBackend,
    (files, post, failed) => openClipRun(files, (clip) => post({ type: 'scored', clip }, clipBuffers(clip)), failed),
    (run, m) => (m.type === 'crop' ? run.crop(m.crop) : run.clip(m.end, m.samples)),
  );
}

/**
 * The page's side of a clip run's worker ({@link HeldRunWorker}): crops and clips are held until the
 * worker has the run open, then sent in order (pixels and samples transferred); if it fails, `start`
 * rejects and `drain` gives the held feed back for the page's thread.
 */
export class WorkerClipRun extends HeldRunWorker<ClipRunFiles, Feed, Reply> implements ClipRunFeed {
  constructor(onScored: (clip: KeptClip) => void, onError: (e: Error) => void) {
    const transfer = (m: Feed) => (m.type === 'crop' ? (m.crop.pixels ? [m.crop.pixels.buffer] : []) : m.samples ? [m.samples.buffer] : []) as ArrayBuffer[];
    super(CLIP_RUN_WORKER_NAME, transfer, (r) => onScored(r.clip), onError);
  }

  crop(crop: FaceCrop): void {
    this.send({ type: 'crop', crop });
  }

  clip(end: number, samples: Float32Array | null): void {
    this.send({ type: 'clip', end, samples });
  }
}

/** Hands a held feed to another (in order). */
export function replayClips(feed: Feed[], to: ClipRunFeed): void {
  for (const m of feed) {
    if (m.type === 'crop') to.crop(m.crop);
    else to.clip(m.end, m.samples);
  }
}
