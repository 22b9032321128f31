/// <reference lib="dom" />
import type * as tf from '@tensorflow/tfjs-core';
import { ExpressionClassifier, FaceDetector, graphModelArtifacts, GraphModelJson, graphModelShardPaths, SpeechDetector } from '@mer/feature-extractors';

/** The shipped models the page runs, as `mer analyze` loads them. */
export interface LiveModels {
  detector: FaceDetector;
  classifier: ExpressionClassifier;
  vad: SpeechDetector;
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

/**
 * Fetches and opens the three models from `base` (the page server's `models/`): BlazeFace and the
 * expression classifier (human's tfjs graphs, converted to ONNX at load as in Node) and Silero VAD; all
 * run on ONNX Runtime Web. A missing or wrong file rejects with the file's URL. `mark` is told when the
 * files are fetched and when the models are open.
 */
export async function loadLiveModels(base: string, mark: (step: 'modelsFetched' | 'models') => void = () => undefined): Promise<LiveModels> {
  const [face, emotion, vadBytes] = await Promise.all([
    graphModel(base, 'blazeface'),
    graphModel(base, 'emotion'),
    fetchOk(`${base}silero_vad.onnx`).then(async (r) => new Uint8Array(await r.arrayBuffer())),
  ]);
  mark('modelsFetched');
  // As `mer analyze`: the detector loaded for stretch, called with the `eyes` crop's letterbox geometry.
  const detector = await FaceDetector.load({ model: face, modelPath: `${base}blazeface.json`, letterbox: false });
  const classifier = await ExpressionClassifier.load({ model: emotion });
  const vad = await SpeechDetector.load({ model: vadBytes }).catch((e: Error) => {
    throw new Error(`${base}silero_vad.onnx: ${e.message}`);
  });
  mark('models');
  return { detector, classifier, vad };
}
