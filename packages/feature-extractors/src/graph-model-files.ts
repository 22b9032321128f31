import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tfc from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A tfjs graph model's files (`model.json` + weight shards) read from the local filesystem, as the
 * artifacts tfjs loads (the GraphDef's nodes are `modelTopology.node`).
 */
export function readGraphModelFiles(modelJson: string): tf.io.ModelArtifacts {
  if (!fs.existsSync(modelJson)) throw new Error(`${modelJson}: model file not found`);
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    format?: string;
    generatedBy?: string;
    convertedBy?: string;
    signature?: object;
    userDefinedMetadata?: tf.io.ModelArtifacts['userDefinedMetadata'];
  };
  const dir = path.dirname(modelJson);
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => {
    const file = path.join(dir, p);
    if (!fs.existsSync(file)) throw new Error(`${modelJson}: weight shard ${p} is missing`);
    return fs.readFileSync(file);
  });
  const weightData = new Uint8Array(shards.reduce((s, b) => s + b.length, 0));
  let at = 0;
  for (const b of shards) {
    weightData.set(b, at);
    at += b.length;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

/**
 * Loads a tfjs graph model (`model.json` + weight shards) from the local filesystem with a small
 * IO handler — onto mer's own tfjs-core instance and active backend (no second tfjs).
 * @param artifacts the files already read ({@link readGraphModelFiles}), if they were
 */
export async function loadGraphModelFromFile(modelJson: string, artifacts: tf.io.ModelArtifacts = readGraphModelFiles(modelJson)): Promise<tfc.GraphModel> {
  return tfc.loadGraphModel({ load: async () => artifacts });
}

/** Path of a model file shipped in `@vladmandic/human` (MIT), e.g. `humanModelPath('blazeface')`. */
export function humanModelPath(name: string): string {
  const entry = require.resolve('@vladmandic/human'); // <pkg>/dist/human.node.js
  return path.join(path.dirname(path.dirname(entry)), 'models', `${name}.json`);
}
