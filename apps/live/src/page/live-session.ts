/// <reference lib="dom" />
import { EXPRESSION_CLASSES, PixelFrame } from '@mer/feature-extractors';
import { LiveColumn, LiveRow, rowsToCsv } from '../live-columns';
import type { LiveAudio } from './live-audio';
import type { LiveFace, LiveFaces } from './live-faces';
import type { LiveView } from './live-view';
import type { WasmKernels } from './page-backend';

/** What `window.mer.status()` reports. */
export interface LiveStatus {
  /** The tensor backend (webgpu | wasm), null before it started; and why it was chosen. */
  backend: string | null;
  backendReason: string | null;
  /** ONNX Runtime Web's execution provider. */
  onnx: string | null;
  /** Threads of tfjs-wasm (0 on webgpu) and of ONNX Runtime Web: more than 1 only in a cross-origin-isolated page; 0 before the backend started. */
  threads: number;
  onnxThreads: number;
  /** wasm: whose kernels tfjs-wasm runs (`mer`: mer's SIMD module, as in Node; `stock`: `?kernels=stock`); null on webgpu or before the backend started. */
  kernels: WasmKernels | null;
  models: 'loading' | 'ready' | 'error';
  /** The trained run scoring utterances (`mer live --run`): its network's name; null without one. */
  run: string | null;
  /** What failed (a model file's URL and why, the camera refused, …). */
  error: string | null;
  /** Frames processed per second over the last second. */
  fps: number;
  /** Frames processed, and frames the camera presented but the page skipped while busy. */
  frames: number;
  dropped: number;
  /** Capture → results drawn, ms: mean and 95th percentile over the processed frames. */
  latencyMs: number;
  latencyP95Ms: number;
  /**
   * Where a processed frame's time goes, ms (means since the counters started): grabbing its pixels,
   * the detector (on the frames it runs), the expression model, drawing. What is left of the latency
   * is waiting: for the frame to reach the page and for the main thread.
   */
  stageMs: { grab: number; detect: number; classify: number; draw: number };
  /** Navigation start → first result drawn, ms (the page's HTML and script loads included). */
  firstResultMs: number | null;
  /**
   * Where the cold start goes: ms from navigation start to the end of each step (script: the bundle
   * running; backend; modelsFetched: the model files fetched; detector / models: BlazeFace / both face
   * models open; devices: camera and microphone granted; video: the first frame playing; vad: Silero VAD
   * open and worker: the worker detecting, both after the first result). Steps overlap: the models load
   * while the devices open.
   */
  startMs: Record<string, number>;
  /**
   * Where BlazeFace runs now: on the page's thread, then (unless `?detector=main`) in a worker of its own
   * once that has it open.
   */
  detector: 'worker' | 'main' | null;
  /** Why the worker did not take detection over, if it failed. */
  detectorNote: string | null;
  /**
   * Where a frame run (`--run` with MAVEN or TCN-fusion) makes its rows and predicts: in a worker of its
   * own once that has it open (what the page cut and heard before is held for it), or on the page's
   * thread (`?runner=main`, or when the worker failed); null without a frame run.
   */
  runner: 'worker' | 'main' | null;
  /** Why the run is not in its worker (yet): how far the worker has come, or why it failed. */
  runnerNote: string | null;
  /** How frames are read: WebCodecs' `VideoFrame` copied out as RGBA, or a 2D canvas (null before the video plays). */
  frameRead: 'VideoFrame' | 'canvas' | null;
  /** Why frames are read through a canvas, when they are. */
  frameReadNote: string | null;
  /** Seconds of microphone audio analysed. */
  audioSeconds: number;
  /** The video's size. */
  width: number;
  height: number;
}

/** The status before anything has started. */
export function startingStatus(): LiveStatus {
  return { backend: null, backendReason: null, onnx: null, threads: 0, onnxThreads: 0, kernels: null, models: 'loading', run: null, error: null, fps: 0, frames: 0, dropped: 0, latencyMs: 0, latencyP95Ms: 0, firstResultMs: null, startMs: {}, detector: null, detectorNote: null, runner: null, runnerNote: null, frameRead: null, frameReadNote: null, audioSeconds: 0, width: 0, height: 0, stageMs: { grab: 0, detect: 0, classify: 0, draw: 0 } };
}

/** At most this many latencies kept for the mean and percentile. */
const KEPT = 5000;

/** The square about the box's centre with its longer side, in the frame's pixels: the `face_x…face_h` of `mer analyze`. */
function squareBox(b: [number, number, number, number], width: number, height: number): [number, number, number, number] {
  const side = Math.max((b[2] - b[0]) * width, (b[3] - b[1]) * height);
  return [((b[0] + b[2]) / 2) * width - side / 2, ((b[1] + b[3]) / 2) * height - side / 2, side, side];
}

/** The running page: each processed frame becomes a row (in `mer analyze`'s columns) and a drawn moment. */
export class LiveSession {
  private readonly rows: LiveRow[] = [];
  /** Page time (s) of each row's frame, and how many rows from the first have final audio cells. */
  private readonly times: number[] = [];
  private settled = 0;
  readonly state: LiveStatus = startingStatus();
  private readonly stages = { grab: [0, 0], detect: [0, 0], classify: [0, 0], draw: [0, 0] };
  private readonly latencies: number[] = [];
  private readonly doneAt: number[] = [];
  private firstPresented: number | null = null;
  /** The first presented frame of the session (frame 0 of the rows). */
  private origin: number | null = null;
  private firstCapture: number | null = null;
  private lastPresented = 0;

  /**
   * @param pageStart the clock's time (ms) `firstResultMs` counts from: 0 is navigation start
   * @param onFace told each processed frame, its face (or none) and its page time (s), before the frame is drawn (a clip or frame run takes its face rows here)
   */
  constructor(
    private readonly view: LiveView,
    private readonly faces: LiveFaces,
    private readonly audio: LiveAudio,
    private readonly pageStart: number,
    private readonly onFace?: (frame: PixelFrame, face: LiveFace | null, t: number) => Promise<void>,
  ) {}

  /** A frame the camera presented (`presentedFrames` of requestVideoFrameCallback), processed or not. */
  presented(index: number): void {
    this.firstPresented ??= index;
    this.origin ??= index;
    this.lastPresented = index;
  }

  /**
   * One frame: faces, expression and audio cells → a row and the view.
   * @param captured ms on the page clock when the camera captured it
   */
  async process(frame: PixelFrame, index: number, captured: number, grabMs = 0): Promise<void> {
    this.firstCapture ??= captured;
    this.time('grab', grabMs);
    const face = await this.faces.frame(frame, captured, (stage, ms) => this.time(stage, ms));
    await this.onFace?.(frame, face, captured / 1000);
    const audio = this.audio.at(captured / 1000);
    const t = (captured - this.firstCapture) / 1000;
    this.rows.push(this.row(index - (this.origin ?? index), t, face, audio, frame.width, frame.height));
    this.times.push(captured / 1000);
    this.settle();
    const drawing = performance.now();
    this.view.show(captured / 1000, face, audio, frame.width, frame.height);
    const now = performance.now();
    this.time('draw', now - drawing);
    this.latencies.push(now - captured);
    if (this.latencies.length > KEPT) this.latencies.shift();
    this.doneAt.push(now);
    while (this.doneAt.length && this.doneAt[0] < now - 1000) this.doneAt.shift();
    this.state.firstResultMs ??= now - this.pageStart;
    this.state.frames++;
    this.state.dropped = Math.max(0, this.lastPresented - (this.firstPresented ?? 0) + 1 - this.state.frames);
    this.state.fps = this.doneAt.length;
    this.state.latencyMs = this.latencies.reduce((s, v) => s + v, 0) / this.latencies.length;
    this.state.latencyP95Ms = [...this.latencies].sort((a, b) => a - b)[Math.floor(0.95 * (this.latencies.length - 1))];
    this.state.audioSeconds = this.audio.seconds;
    [this.state.width, this.state.height] = [frame.width, frame.height];
  }

  private row(frame: number, t: number, face: LiveFace | null, audio: { speech: number; loudness: number; f0: number }, width: number, height: number): LiveRow {
    const row = { frame, timestamp: t, speech_prob: audio.speech, loudness: audio.loudness, f0_hz: audio.f0 } as Partial<LiveRow>;
    const set = (c: LiveColumn, v: number | string) => (row[c] = v);
    if (!face) {
      for (const c of ['face_id', 'face_x', 'face_y', 'face_w', 'face_h', 'face_score', ...EXPRESSION_CLASSES, 'expression', 'valence', 'arousal'] as const) set(c, '');
      set('success', 0);
      return row as LiveRow;
    }
    const [x, y, w, h] = squareBox(face.face.box, width, height);
    Object.assign(row, { face_id: 1, face_x: x, face_y: y, face_w: w, face_h: h, face_score: face.face.score, success: 1, valence: face.va[0], arousal: face.va[1] });
    EXPRESSION_CLASSES.forEach((c, i) => set(c, face.probabilities[i]));
    set('expression', EXPRESSION_CLASSES[face.probabilities.indexOf(Math.max(...face.probabilities))]);
    return row as LiveRow;
  }

  /**
   * Rewrites the audio cells of rows the microphone's analysis has now passed: when the page is busy,
   * speech and prosody run behind the video, and a row's cells at its frame were the newest known, not
   * its own time's.
   */
  private settle(): void {
    const until = this.audio.settledUntil;
    for (; this.settled < this.rows.length && this.times[this.settled] + 1 / 30 <= until; this.settled++) {
      const a = this.audio.at(this.times[this.settled]);
      Object.assign(this.rows[this.settled], { speech_prob: a.speech, loudness: a.loudness, f0_hz: a.f0 });
    }
  }

  /** The rows so far (copies), their audio cells final up to where the microphone's analysis has reached. */
  snapshot(): LiveRow[] {
    this.settle();
    return this.rows.map((r) => ({ ...r }));
  }

  /** Adds one stage's time (ms) to its mean. */
  private time(stage: keyof LiveStatus['stageMs'], ms: number): void {
    const s = this.stages[stage];
    s[0] += ms;
    s[1]++;
    this.state.stageMs[stage] = s[0] / s[1];
  }

  /** Starts the counters (frames, skipped, fps, latency, stage times) again from the next frame; the rows stay. */
  resetStats(): void {
    this.firstPresented = this.lastPresented + 1;
    for (const s of Object.values(this.stages)) s.fill(0);
    this.state.stageMs = { grab: 0, detect: 0, classify: 0, draw: 0 };
    this.latencies.length = 0;
    this.doneAt.length = 0;
    Object.assign(this.state, { frames: 0, dropped: 0, fps: 0, latencyMs: 0, latencyP95Ms: 0 });
  }

  /** The rows as `mer analyze`'s CSV. */
  csv(): string {
    this.settle();
    return rowsToCsv(this.rows);
  }
}
