import type * as tf from '@tensorflow/tfjs-core';

/** A tfjs graph model's `model.json`, as written by the tfjs converter. */
export interface GraphModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: object;
  userDefinedMetadata?: tf.io.ModelArtifacts['userDefinedMetadata'];
}

/** The weight shards `model.json` names, in the order their bytes are concatenated. */
export function graphModelShardPaths(json: GraphModelJson): string[] {
  return json.weightsManifest.flatMap((g) => g.paths);
}

/**
 * A graph model's artifacts from its `model.json` and the bytes of its shards (in
 * {@link graphModelShardPaths} order), however they were read: from disk in Node, fetched in a browser.
 * No file I/O here, so it bundles for the browser.
 */
export function graphModelArtifacts(json: GraphModelJson, shards: readonly Uint8Array[]): tf.io.ModelArtifacts {
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
