/// <reference lib="dom" />
import type * as tf from '@tensorflow/tfjs-core';
import { EXPRESSION_DETECTION, ExpressionClassifier, FaceDetector, FrozenGraphRuntime, graphModelArtifacts, GraphModelJson, graphModelShardPaths, SpeechDetector } from '@mer/feature-extractors';
import { WorkerDetector } from './detector-worker';
import { HandoffDetector } from './handoff-detector';
import type { LiveDetector } from './live-faces';

/**
 * Where the page runs human's graphs (BlazeFace, the expression CNN, a run's face embedder): on the
 * page's tensor backend, not converted to ONNX as in Node. In Chromium on wasm, tfjs' kernels are as fast
 * as ONNX Runtime Web's on these networks (bench:live, interleaved: BlazeFace 52–53 ms a frame against
 * 49–50, 22–23 fps against 24–25), while opening ONNX Runtime Web takes the page's thread for 1.5–2 s
 * (its 14 MB module compiled, thousands of kernels registered), so the first result no longer waits
 * for it. Outputs agree with the ONNX route within 1e-5 relative (frozen-graph spec).
 */
export const PAGE_FACE_RUNTIME: FrozenGraphRuntime = 'tfjs';

/** The shipped models the page runs, as `mer analyze` loads them. */
export interface LiveModels {
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
}

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${r.statusText}`);
  return r;
}

/** One of human's graph models (`model.json` + its shards) from the page's server, as tfjs artifacts. */
async function graphModel(base: string, name: string): Promise<tf.io.ModelArtifacts> {
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

/** Where the page's models come from and where BlazeFace runs. */
export interface LiveModelsOptions {
  /** The page server's `models/`. */
  base: string;
  /**
   * BlazeFace's worker, started early ({@link WorkerDetector.spawn}): detection is handed to it once it
   * has the model open. Without one, BlazeFace stays on the page's thread.
   */
  worker?: WorkerDetector;
  /** ONNX Runtime Web's `.wasm`, for the worker. */
  wasm: string;
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

/** The same detector in a worker ({@link WorkerDetector}): converted here, opened and run there. */
async function inWorker(spawned: WorkerDetector, face: tf.io.ModelArtifacts, o: LiveModelsOptions): Promise<LiveDetector> {
  const worker = await spawned.open(await FaceDetector.convert(face, `${o.base}blazeface.json`), o.wasm);
  return { background: true, detect: (frame) => worker.detect(frame, EXPRESSION_DETECTION.eyes), dispose: () => worker.dispose() };
}

/**
 * Fetches the three models from `o.base` and opens the two face models: BlazeFace and the expression
 * classifier (human's tfjs graphs, on the page's backend: {@link PAGE_FACE_RUNTIME}); Silero VAD opens
 * on ONNX Runtime Web when {@link LiveModels.openVad} is called. BlazeFace starts on this thread and,
 * given `o.worker`, moves to that worker once it has it open ({@link HandoffDetector}). A missing or
 * wrong file rejects with the file's URL. `mark` is told when the files are fetched, when this thread's
 * detector is ready, when both face models are open, when the VAD is open, and when the worker took
 * detection over.
 */
export async function loadLiveModels(o: LiveModelsOptions, mark: (step: 'modelsFetched' | 'detector' | 'models' | 'vad' | 'worker') => void = () => undefined): Promise<LiveModels> {
  const base = o.base;
  const [face, emotion, vadBytes] = await Promise.all([
    graphModel(base, 'blazeface'),
    graphModel(base, 'emotion'),
    fetchOk(`${base}silero_vad.onnx`).then(async (r) => new Uint8Array(await r.arrayBuffer())),
  ]);
  mark('modelsFetched');
  // As `mer analyze`: the detector loaded for stretch, called with the `eyes` crop's letterbox geometry.
  // On this thread first; with a worker, detection moves there once the worker has it open.
  const thread = onThisThread(await FaceDetector.load({ model: face, modelPath: `${base}blazeface.json`, letterbox: false, runtime: PAGE_FACE_RUNTIME }));
  mark('detector');
  const spawned = o.worker;
  const detector = spawned ? new HandoffDetector(thread, inWorker(spawned, face, o), () => mark('worker'), () => spawned.stage) : thread;
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
  return { detector, classifier, emotion, openVad };
}
