import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelFiles } from '@mer/backend';

/** `model.json` beside `weights.bin`: the config a model is rebuilt from, and the weight layout. */
export interface SavedModelManifest {
  format: 'mer-weights/1';
  /** Free-form model description, e.g. `{ model: 'maven', preset: 'lite', config: {...} }`. */
  model: Record<string, unknown>;
  weights: { name: string; shape: number[]; offset: number }[];
  savedAt: string;
}

/**
 * Saves a layer's weights (float32, in `layer.weights` order) and a config as `model.json` +
 * `weights.bin` into `files` (a folder: `@mer/media`'s `folderFiles(dir)`, written atomically), weights
 * first: a crash never leaves a manifest that points at missing or torn weights.
 */
export async function saveWeights(layer: tfl.layers.Layer, files: ModelFiles, model: Record<string, unknown>): Promise<void> {
  const values = layer.getWeights(); // the live variables themselves: read, never dispose
  const sizes = values.map((v) => v.size);
  const data = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  const weights: SavedModelManifest['weights'] = [];
  let offset = 0;
  for (let i = 0; i < values.length; i++) {
    data.set(await values[i].data(), offset);
    weights.push({ name: layer.weights[i].name, shape: values[i].shape, offset });
    offset += sizes[i];
  }
  await files.write('weights.bin', new Uint8Array(data.buffer));
  const manifest: SavedModelManifest = { format: 'mer-weights/1', model, weights, savedAt: new Date().toISOString() };
  await files.write('model.json', new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
}

/** Reads `model.json` (to rebuild the model from its config before {@link loadWeights}). */
export function readModelManifest(files: ModelFiles): SavedModelManifest {
  const bytes = files.read('model.json');
  if (!bytes) throw new Error(`${files.location}: no model.json (not a saved mer model)`);
  const m = JSON.parse(new TextDecoder().decode(bytes)) as SavedModelManifest;
  if (m.format !== 'mer-weights/1') throw new Error(`${files.location}/model.json: unknown format ${String(m.format)}`);
  return m;
}

/**
 * Loads weights saved by {@link saveWeights} into a layer built from the same config. The count and
 * every shape must match; a mismatch names the weight.
 */
export function loadWeights(layer: tfl.layers.Layer, files: ModelFiles): SavedModelManifest {
  const manifest = readModelManifest(files);
  const dir = files.location;
  const bytes = files.read('weights.bin');
  if (!bytes) throw new Error(`${dir}: model.json but no weights.bin`);
  const data = new Float32Array(Math.floor(bytes.length / 4));
  new Uint8Array(data.buffer).set(bytes.subarray(0, data.length * 4));
  const targets = layer.weights;
  if (targets.length !== manifest.weights.length) {
    throw new Error(`${dir}: ${manifest.weights.length} saved weights but the model has ${targets.length} (built from another config?)`);
  }
  const tensors = manifest.weights.map((w, i) => {
    const want = targets[i].shape;
    if (want.length !== w.shape.length || want.some((d, j) => d !== w.shape[j])) {
      throw new Error(`${dir}: weight ${i} '${w.name}' has shape [${w.shape}] but the model expects [${want}] for '${targets[i].name}'`);
    }
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (w.offset + size > data.length) throw new Error(`${dir}: weights.bin is truncated at weight '${w.name}'`);
    return tf.tensor(data.subarray(w.offset, w.offset + size), w.shape, 'float32');
  });
  layer.setWeights(tensors);
  tf.dispose(tensors);
  return manifest;
}

/**
 * Rebuilds a saved model of kind `kind` from the config in its manifest (`{ model: kind, config }`,
 * as written with {@link saveWeights}) and loads its weights.
 */
export function loadModel<C, M extends tfl.layers.Layer>(files: ModelFiles, kind: string, build: (config: C) => M): M {
  const manifest = readModelManifest(files);
  if (manifest.model['model'] !== kind) throw new Error(`${files.location}: holds a '${String(manifest.model['model'])}' model, not ${kind}`);
  const model = build(manifest.model['config'] as C);
  loadWeights(model, files);
  return model;
}

/** Parameter counts per part as an aligned two-column table (for models' `summary()`). */
export function parameterTable(rows: [string, number][]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v.toLocaleString('en-US').padStart(13)}`).join('\n');
}
