/// <reference lib="dom" />
import type * as tf from '@tensorflow/tfjs-core';
import { EXPRESSION_DETECTION, ExpressionClassifier, FaceDetector, graphModelArtifacts, GraphModelJson, graphModelShardPaths, SpeechDetector } from '@mer/feature-extractors';
import type { WorkerDetector } from './detector-worker';
import { HandoffDetector } from './handoff-detector';
import type { LiveDetector } from './live-faces';
import { PAGE_FACE_RUNTIME } from './page-face-runtime';
import type { WorkerBackend } from './page-backend';

/** The shipped models the page runs, as `mer analyze` loads them. */
export interface LiveModels {
  /** BlazeFace on the page's thread, or, after {@link LiveModels.toWorker}, its hand-off to a worker. */
  detector: LiveDetector;
  classifier: ExpressionClassifier;
  /** Human's `emotion` graph as fetched (a clip run's face rows are embedded with it). */
  emotion: tf.io.ModelArtifacts;
  /**
   * Opens Silero VAD from the bytes fetched with the others (once; later calls return the same). The
   * page calls it after its first result: it is the page's one ONNX Runtime model, and starting ONNX
   * Runtime Web is most of a cold start's work.
   */
  openVad(): Promise<SpeechDetector>;
  /**
   * Hands BlazeFace to `spawned`, once that has it open on `backend` ({@link HandoffDetector}: detection
   * stays on the page's thread until then, and if the worker fails). `detector` becomes the hand-off.
   */
  toWorker(spawned: WorkerDetector, backend: WorkerBackend): HandoffDetector;
}

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${r.statusText}`);
  return r;
}

/** One of human's graph models (`model.json` + its shards) from the page's server, as tfjs artifacts. */
export async function graphModel(base: string, name: string): Promise<tf.io.ModelArtifacts> {
  const url = `${base}${name}.json`;
  let json: GraphModelJson;
  try {
    json = (await (await fetchOk(url)).json()) as GraphModelJson;
  } catch (e) {
    throw new Error(`${url}: not a graph model.json (${(e as Error).message})`);
  }
  if (!Array.isArray(json.weightsManifest)) throw new Error(`${url}: no weightsManifest — not a tfjs graph model`);
  const shards = await Promise.all(graphModelShardPaths(json).map(async (p) => new Uint8Array(await (await fetchOk(`${base}${p}`)).arrayBuffer())));
  return graphModelArtifacts(json, shards);
}

/** BlazeFace as `mer analyze` calls it (the `eyes` crop's geometry, the largest face), on the page's thread. */
function onThisThread(detector: FaceDetector): LiveDetector {
  return {
    background: false,
    async detect(frame) {
      const t0 = performance.now();
      const faces = await detector.detectPixels(frame, { geometry: EXPRESSION_DETECTION.eyes, largest: true });
      return { faces, ms: performance.now() - t0 };
    },
    dispose: () => detector.dispose(),
  };
}

/** The same detector in a worker ({@link WorkerDetector}), opened there from the graph fetched here. */
async function inWorker(spawned: WorkerDetector, face: tf.io.ModelArtifacts, name: string, backend: WorkerBackend): Promise<LiveDetector> {
  const worker = await spawned.open(face, name, backend);
  return { background: true, detect: (frame) => worker.detect(frame, EXPRESSION_DETECTION.eyes), dispose: () => worker.dispose() };
}

/**
 * Fetches the three models from `base` (the page server's `models/`) and opens the two face models on
 * this thread: BlazeFace and the expression classifier (human's tfjs graphs, on the page's backend:
 * {@link PAGE_FACE_RUNTIME}). Silero VAD opens on ONNX Runtime Web when {@link LiveModels.openVad} is
 * called, BlazeFace's worker when {@link LiveModels.toWorker} is. A missing or wrong file rejects with
 * the file's URL. `mark` is told when the files are fetched, when this thread's detector is ready, when
 * both face models are open, when the VAD is open, and when the worker took detection over.
 */
export async function loadLiveModels(base: string, mark: (step: 'modelsFetched' | 'detector' | 'models' | 'vad' | 'worker') => void = () => undefined): Promise<LiveModels> {
  const [face, emotion, vadBytes] = await Promise.all([
    graphModel(base, 'blazeface'),
    graphModel(base, 'emotion'),
    fetchOk(`${base}silero_vad.onnx`).then(async (r) => new Uint8Array(await r.arrayBuffer())),
  ]);
  mark('modelsFetched');
  // As `mer analyze`: the detector loaded for stretch, called with the `eyes` crop's letterbox geometry.
  const faceName = `${base}blazeface.json`;
  const thread = onThisThread(await FaceDetector.load({ model: face, modelPath: faceName, letterbox: false, runtime: PAGE_FACE_RUNTIME }));
  mark('detector');
  const classifier = await ExpressionClassifier.load({ model: emotion, runtime: PAGE_FACE_RUNTIME });
  mark('models');
  let vad: Promise<SpeechDetector> | null = null;
  const openVad = () =>
    (vad ??= SpeechDetector.load({ model: vadBytes }).then(
      (v) => {
        mark('vad');
        return v;
      },
      (e: Error) => {
        throw new Error(`${base}silero_vad.onnx: ${e.message}`);
      },
    ));
  const models: LiveModels = {
    detector: thread,
    classifier,
    emotion,
    openVad,
    toWorker(spawned, backend) {
      const handoff = new HandoffDetector(thread, inWorker(spawned, face, faceName, backend), () => mark('worker'), () => spawned.stage);
      models.detector = handoff;
      return handoff;
    },
  };
  return models;
}
