import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getBackendInfo } from '@mer/backend';
import type { ExpressionCropMode } from './analysis/expression-classifier';
import type { ExpressionFaceBatch } from './analysis/expression-face-stream';
import type { DetectOptions, FaceBox, FaceDetectorOptions } from './face-detector';
import type { FaceSelection } from './face-follower';

/** The detections of one decoded batch: the frames the detector ran on, in order. */
export interface DetectionBatch {
  detections: { index: number; faces: FaceBox[] }[];
}

/** What `mer analyze`'s face process does: decode, detect one person followed by rule, and cut the crops. */
export interface ExpressionFaceProcessOptions {
  select: FaceSelection;
  detectEvery: number;
  /** How faces are found and cut (see `EXPRESSION_CROPS`, `EXPRESSION_DETECTION`); default `eyes`. */
  crop?: ExpressionCropMode;
}

/** What the detection process of a prediction does: decode as the caller does, detect every N frames. */
export interface DetectionProcessOptions {
  detectEvery: number;
  /** As the caller's `decodeWidth`; default the displayed size (`faceDecodeSize`). */
  decodeWidth?: number;
  detector?: Omit<FaceDetectorOptions, 'modelPath'>;
  /** Only the largest face matters ({@link DetectOptions}.largest). */
  largest?: boolean;
}

/** parent → child */
export type FaceProcessRequest =
  | { type: 'start-detect'; file: string; options: DetectionProcessOptions }
  | { type: 'start-expression'; file: string; options: ExpressionFaceProcessOptions }
  | { type: 'ack' };
/** child → parent */
export type FaceProcessMessage = { type: 'batch'; batch: DetectionBatch | ExpressionFaceBatch } | { type: 'done' } | { type: 'error'; message: string };

/** Videos shorter than this run in one process: starting the second costs about what it saves (measured on a 3.3 s clip). */
export const TWO_PROCESS_MIN_SECONDS = 3;

/**
 * Batches the face process may run ahead of the parent (analysis: the crops of up to 16 frames, 48 KB
 * a face; prediction: boxes): the queue between them is bounded, so memory stays flat.
 */
export const FACE_QUEUE_DEPTH = 8;

/** Detections `RemoteFaceDetections` holds before it stops acknowledging (the detector's look-ahead, in detection frames). */
const DETECTIONS_AHEAD = 64;

/** The child's entry: the built `.js` beside this file, or the TypeScript source run through tsx. */
function workerEntry(): { file: string; execArgv: string[]; env: NodeJS.ProcessEnv } {
  const js = path.join(__dirname, 'face-track-worker.js');
  if (fs.existsSync(js)) return { file: js, execArgv: [], env: process.env };
  const ts = path.join(__dirname, 'face-track-worker.ts');
  if (!fs.existsSync(ts)) throw new Error(`the face process entry is missing beside ${__filename} (face-track-worker.js/.ts); rebuild @mer/feature-extractors`);
  const tsconfig = path.resolve(__dirname, '../../../tsconfig.json');
  const env = { ...process.env, ...(process.env['TSX_TSCONFIG_PATH'] || !fs.existsSync(tsconfig) ? {} : { TSX_TSCONFIG_PATH: tsconfig }) };
  return { file: ts, execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href], env };
}

/**
 * Runs one job in a second process and hands its batches to `onBatch` in order, one at a time; each is
 * acknowledged when handled, and the child runs at most {@link FACE_QUEUE_DEPTH} batches ahead. A
 * failure in either process stops both.
 */
function runFaceProcess<B>(file: string, request: FaceProcessRequest, onBatch: (b: B) => Promise<void> | void): { done: Promise<void>; stop: () => void } {
  const entry = workerEntry();
  // The child runs on this process's backend, however it was chosen (MER_BACKEND, an option, auto).
  const backend = getBackendInfo()?.name;
  const env = backend ? { ...entry.env, MER_BACKEND: backend } : entry.env;
  const child = fork(entry.file, [], { execArgv: entry.execArgv, env, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  let settled = false;
  const done = new Promise<void>((resolve, reject) => {
    let chain = Promise.resolve();
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) {
        child.kill();
        reject(error);
      } else resolve();
    };
    child.on('message', (m: FaceProcessMessage) => {
      if (m.type === 'batch') {
        chain = chain.then(async () => {
          if (settled) return;
          try {
            await onBatch(m.batch as B);
            if (child.connected) child.send({ type: 'ack' } satisfies FaceProcessRequest);
          } catch (e) {
            finish(e as Error);
          }
        });
      } else if (m.type === 'done') {
        chain.then(() => finish(null));
      } else {
        finish(new Error(m.message));
      }
    });
    // A send to a process that already ended (EPIPE) is reported by 'exit', with its stderr.
    child.on('error', (e: NodeJS.ErrnoException) => e.code !== 'EPIPE' && finish(new Error(`${file}: the face process failed: ${e.message}`)));
    child.on('exit', (code) => {
      chain.then(() => finish(new Error(`${file}: the face process exited (code ${code}) before finishing${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`)));
    });
    child.send(request);
  });
  return {
    done,
    stop: () => {
      settled = true;
      child.kill();
    },
  };
}

/**
 * `mer analyze`'s face side (decode, detection, following one person: see `detectExpressionFaces`;
 * then the crops, `cropExpressionFaces`) in a second process while the caller classifies and writes
 * rows. Only the crops cross between the processes, not the decoded frames.
 */
export function detectExpressionFacesInProcess(file: string, options: ExpressionFaceProcessOptions, onBatch: (b: ExpressionFaceBatch) => Promise<void> | void): Promise<void> {
  return runFaceProcess(file, { type: 'start-expression', file, options }, onBatch).done;
}

/**
 * A face detector whose detections come from a second process that decodes the same video and runs
 * BlazeFace on every `detectEvery`-th frame ahead of the caller: `detectPixels(frame)` returns the next
 * detection in order, for the caller's detection frames (0, N, 2N, …). Two cores for one video, the
 * same boxes as detecting here (same decoder, same model). `close()` when done.
 */
export class RemoteFaceDetections {
  private readonly queue: DetectionBatch['detections'] = [];
  private waiting: (() => void) | null = null;
  private room: (() => void) | null = null;
  private next = 0;
  private finished = false;
  private failure: Error | null = null;
  private readonly job: { done: Promise<void>; stop: () => void };

  constructor(
    readonly file: string,
    readonly options: DetectionProcessOptions,
  ) {
    this.job = runFaceProcess<DetectionBatch>(file, { type: 'start-detect', file, options }, async (b) => {
      this.queue.push(...b.detections);
      this.wakeReader();
      // Acknowledge (let the child go on) only while the caller keeps up.
      while (this.queue.length > DETECTIONS_AHEAD && !this.finished) await new Promise<void>((r) => (this.room = r));
    });
    this.job.done.then(
      () => ((this.finished = true), this.wakeReader()),
      (e: Error) => ((this.failure = e), (this.finished = true), this.wakeReader()),
    );
  }

  private wakeReader(): void {
    this.waiting?.();
    this.waiting = null;
  }

  /** The next detection frame's faces (the frame argument is the caller's copy; it is not sent). */
  async detectPixels(_frame?: unknown, _options?: DetectOptions): Promise<FaceBox[]> {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure;
      if (this.finished) throw new Error(`${this.file}: the detection process ended before frame ${this.next}`);
      await new Promise<void>((r) => (this.waiting = r));
    }
    const d = this.queue.shift()!;
    this.room?.();
    this.room = null;
    const expected = this.next;
    this.next += Math.max(1, this.options.detectEvery);
    if (d.index !== expected) throw new Error(`${this.file}: the detection process is at frame ${d.index}, this one at ${expected}`);
    return d.faces;
  }

  close(): void {
    this.finished = true;
    this.room?.();
    this.job.stop();
  }
}
