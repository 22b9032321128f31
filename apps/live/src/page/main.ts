/// <reference lib="dom" />
import type { SpeechDetector } from '@mer/feature-extractors';
import { LiveAudio } from './live-audio';
import { DETECTOR_WORKER_NAME, serveDetector, WorkerDetector } from './detector-worker';
import { HandoffDetector } from './handoff-detector';
import { FrameGrabber } from './frame-grabber';
import { LiveFaces } from './live-faces';
import { type LiveClip, plainClip } from './clip-score';
import { CLIP_RUN_WORKER_NAME, serveClipRun } from './clip-run-worker';
import { LiveFramePrediction, plainPrediction } from './frame-prediction';
import { FRAME_RUN_WORKER_NAME, serveFrameRun } from './frame-run-worker';
import type { LiveUtterance } from './live-run';
import { graphModel, loadLiveModels } from './live-models';
import { openPageRun, PageRun } from './page-run';
import { fetchRun } from './run-files';
import { LiveSession, LiveStatus, startingStatus } from './live-session';
import { LiveView } from './live-view';
import { startPageBackend, startWorkerBackend } from './page-backend';
import type { LiveRow } from '../live-columns';

/** The page's API for tests, benches and the console. */
export interface MerLiveApi {
  status(): LiveStatus;
  rows(): LiveRow[];
  /** With `mer live --run` and an utterance-level run: each utterance heard, its features and the run's scores (re-scored as more are heard). */
  utterances(): LiveUtterance[];
  /** With `mer live --run` and a clip run (AVT-CA): each clip scored, its rows and the run's scores. */
  clips(): LiveClip[];
  /** With `mer live --run` and a frame run (MAVEN, TCN-fusion): each window predicted, its rows and valence/arousal. */
  frames(): LiveFramePrediction[];
  /** Saves the session as `mer analyze`'s CSV (mer-live.csv) and returns its text. */
  download(): string;
  /** Counts frames, skipped frames, fps and latency again from now (benchmarks: after the warm-up). */
  resetStats(): void;
}

type FrameMeta = { presentedFrames: number; captureTime?: number; expectedDisplayTime: number };
type VideoWithCallback = HTMLVideoElement & { requestVideoFrameCallback(cb: (now: number, meta: FrameMeta) => void): number };

/** Milestones of the cold start, ms from navigation start (`status().startMs`). */
const startMs: Record<string, number> = { script: Math.round(performance.now()) };
const mark = (step: string) => (startMs[step] = Math.round(performance.now()));
/** How long after the face models Silero VAD and BlazeFace's worker start when no frame has been processed by then (ms). */
const AFTER_FIRST_MS = 3000;
/** The page's view; this bundle also starts ONNX Runtime Web's threads (its workers load this file), where there is no document. */
let view: LiveView;
let session: LiveSession | null = null;
let run: PageRun | null = null;
const pending: LiveStatus = startingStatus();
/** Where BlazeFace runs now (the page's thread, then its worker once that has taken over), and why not the worker if it failed. */
let detectorPlace: () => { detector: 'main' | 'worker' | null; detectorNote: string | null } = () => ({ detector: null, detectorNote: null });
/** Reads the video's frames, once it plays. */
let grabber: FrameGrabber | null = null;
/** Where a frame run makes its rows or a clip run scores (its worker or the page's thread), and why not the worker (yet). */
const runPlace = () => {
  if (run?.kind !== 'frame' && run?.kind !== 'clip') return { runner: null, runnerNote: null };
  const { runner, pending: note } = run.run.where;
  return { runner, runnerNote: run.run.note ?? note };
};
const status = () => ({ ...(session?.state ?? pending), startMs: { ...startMs }, ...detectorPlace(), ...runPlace(), frameRead: grabber?.route ?? null, frameReadNote: grabber?.note ?? null });

function showStatus(): void {
  const s = status();
  const head = `backend ${s.backend ?? '…'} (${s.backendReason ?? 'starting'}${s.kernels ? `, ${s.kernels} kernels` : ''}), ONNX Runtime Web ${s.onnx ?? '…'}, threads: ${s.backend === 'wasm' ? `tfjs ${s.threads}, ` : ''}ONNX ${s.onnxThreads || '…'} · models ${s.models}`;
  view.status(s.error ? `${head}: ${s.error}` : `${head} · ${s.fps} fps · latency ${s.latencyMs.toFixed(0)} ms · ${s.frames} frames, ${s.dropped} skipped`);
}

function download(): string {
  const csv = session?.csv() ?? '';
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  a.download = 'mer-live.csv';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  return csv;
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  // BlazeFace handed to a worker of its own once that has it open (default: the page's thread grabs,
  // classifies and draws while a detection runs on the second core), or `?detector=main`: on the page's thread only.
  const place = params.get('detector') ?? 'worker';
  if (place !== 'worker' && place !== 'main') throw new Error(`?detector=${place}: expected worker or main`);
  // A frame run's rows and predictions, or a clip run's scoring, in a worker of its own, started with BlazeFace's (default), or `?runner=main`: on the page's thread.
  const runner = params.get('runner') ?? 'worker';
  if (runner !== 'worker' && runner !== 'main') throw new Error(`?runner=${runner}: expected worker or main`);
  // Silero VAD opens after the first result (afterFirst below); the microphone is heard from the start and its analysis waits for it, in order.
  let giveVad: (vad: Promise<SpeechDetector>) => void = () => undefined;
  const audio = new LiveAudio(
    new Promise<SpeechDetector>((resolve) => (giveVad = resolve)),
    () => performance.now() / 1000,
  );
  // The camera and microphone are asked for first: granting them takes a second or more, while the
  // backend starts and the models load. The tap is made ready while the devices open, so the microphone
  // is heard from its first samples.
  const tap = audio.prepare();
  tap.catch(() => undefined); // awaited by listen below
  const devices = navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  devices.then(() => mark('devices'), () => undefined); // awaited below
  const wasmBase = new URL('wasm/', location.href).href;
  const backend = await startPageBackend(params.get('backend'), wasmBase, params.get('kernels'));
  mark('backend');
  Object.assign(pending, { backend: backend.name, backendReason: backend.reason, onnx: backend.onnx, threads: backend.threads, onnxThreads: backend.onnxThreads, kernels: backend.kernels });
  showStatus();
  // The models (and a trained run, with --run) load while the devices start.
  const models = new URL('models/', location.href).href;
  const loading = Promise.all([loadLiveModels(models, mark), fetchRun(new URL('run/', location.href).href)]);
  loading.catch(() => undefined); // awaited below; this keeps an early failure from being "unhandled"
  // The run opens once the models are here (a clip run embeds faces with the expression graph, or fetches FaceRes's) and shows its empty panel.
  const opening = loading.then(([m, files]) => openPageRun(files, async (model) => (model === 'expression' ? m.emotion : graphModel(models, model)), view, runner));
  opening.catch(() => undefined);
  const stream = await devices;
  // With an utterance-level run, each utterance heard is scored (once the run has loaded: utterances are
  // cut only after the microphone's speech analysis, which waits for the models anyway).
  audio.utterances((u, offset) => {
    opening
      .then(async (opened) => {
        if (opened?.kind !== 'utterance') return;
        const trained = opened.run;
        await trained.add(u, offset);
        const last = trained.utterances[trained.utterances.length - 1];
        const n = trained.utterances.length;
        view.runScores(trained.name, last.probabilities, last.label, `utterance ${n} (${(last.end - last.start).toFixed(1)} s), standardised with this speaker's ${n} utterance${n === 1 ? '' : 's'} so far`);
      })
      .catch((e: Error) => Object.assign(session?.state ?? pending, { error: `the run: ${e.message}` }));
  });
  await audio.listen(stream);
  const video = document.getElementById('video') as VideoWithCallback;
  video.srcObject = stream;
  await video.play();
  mark('video');
  const [opened] = await loading;
  detectorPlace = () => {
    const d = opened.detector;
    return d instanceof HandoffDetector ? { detector: d.where, detectorNote: d.note ?? d.pending } : { detector: 'main', detectorNote: null };
  };
  run = await opening;
  // A clip run hears the microphone at its MFCCs' rate, a frame run the page's 16 kHz; both get each processed frame's face.
  const clips = run?.kind === 'clip' ? run.run : null;
  await clips?.listen(stream);
  const frames = run?.kind === 'frame' ? run.run : null;
  frames?.listen(audio);
  const sampler = clips ?? frames;
  if (sampler) sampler.onError = (e) => Object.assign(session?.state ?? pending, { error: `the run: ${e.message}` });
  session = new LiveSession(view, new LiveFaces(opened), audio, 0, sampler ? (frame, face, t) => sampler.frame(frame, face?.face ?? null, t) : undefined);
  Object.assign(session.state, pending, { models: 'ready', run: run?.run.name ?? null });
  // Once the first frame's result is drawn (or AFTER_FIRST_MS after the models if no frame comes), Silero
  // VAD opens and BlazeFace's worker starts: both would have delayed the first result on two cores.
  let started = false;
  const afterFirst = () => {
    if (started) return;
    started = true;
    const vad = opened.openVad();
    vad.catch((e: Error) => Object.assign(session?.state ?? pending, { error: e.message }));
    giveVad(vad);
    const script = new URL('live.js', location.href).href;
    const inWorker = { name: backend.name, wasmBase, kernels: backend.kernels };
    if (place === 'worker') opened.toWorker(WorkerDetector.spawn(script), inWorker);
    (frames ?? clips)?.toWorker(script, inWorker).catch((e: Error) => Object.assign(session?.state ?? pending, { error: `the run: ${e.message}` }));
  };
  setTimeout(afterFirst, AFTER_FIRST_MS);
  const reader = new FrameGrabber(video);
  grabber = reader;
  let busy = false;
  const onFrame = (now: number, meta: FrameMeta) => {
    video.requestVideoFrameCallback(onFrame);
    session!.presented(meta.presentedFrames);
    if (busy) return;
    busy = true;
    const t0 = performance.now();
    reader
      .grab()
      .then((frame) => session!.process(frame, meta.presentedFrames, meta.captureTime ?? now, performance.now() - t0))
      .catch((e: Error) => Object.assign(session!.state, { error: e.message }))
      .finally(() => {
        busy = false;
        showStatus();
        afterFirst();
      });
  };
  video.requestVideoFrameCallback(onFrame);
}

const workerName = typeof document === 'undefined' ? (globalThis as { name?: string }).name : undefined;
if (workerName === DETECTOR_WORKER_NAME) {
  // This bundle, loaded as the face detector's worker.
  serveDetector(globalThis as unknown as Parameters<typeof serveDetector>[0], startWorkerBackend);
} else if (workerName === FRAME_RUN_WORKER_NAME) {
  // This bundle, loaded as a frame run's worker.
  serveFrameRun(globalThis as unknown as Parameters<typeof serveFrameRun>[0], startWorkerBackend);
} else if (workerName === CLIP_RUN_WORKER_NAME) {
  // This bundle, loaded as a clip run's worker.
  serveClipRun(globalThis as unknown as Parameters<typeof serveClipRun>[0], startWorkerBackend);
} else if (typeof document !== 'undefined') {
  view = new LiveView();
  (window as unknown as { mer: MerLiveApi }).mer = { status, rows: () => session?.snapshot() ?? [], utterances: () => structuredClone(run?.kind === 'utterance' ? run.run.utterances : []), clips: () => (run?.kind === 'clip' ? run.run.clips.map(plainClip) : []), frames: () => (run?.kind === 'frame' ? run.run.predictions.map(plainPrediction) : []), download, resetStats: () => session?.resetStats() };
  document.getElementById('export')?.addEventListener('click', () => download());
  start().catch((e: Error) => {
    Object.assign(session?.state ?? pending, { models: 'error', error: e.message });
    showStatus();
    console.error('mer live:', e);
  });
}
