import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tfc from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { graphModelArtifacts, GraphModelJson, graphModelShardPaths } from './graph-model-artifacts';

/**
 * A tfjs graph model's files (`model.json` + weight shards) read from the local filesystem, as the
 * artifacts tfjs loads (the GraphDef's nodes are `modelTopology.node`).
 */
export function readGraphModelFiles(modelJson: string): tf.io.ModelArtifacts {
  if (!fs.existsSync(modelJson)) throw new Error(`${modelJson}: model file not found`);
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as GraphModelJson;
  const dir = path.dirname(modelJson);
  const shards = graphModelShardPaths(json).map((p) => {
    const file = path.join(dir, p);
    if (!fs.existsSync(file)) throw new Error(`${modelJson}: weight shard ${p} is missing`);
    return fs.readFileSync(file);
  });
  return graphModelArtifacts(json, shards);
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
