import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic } from '@mer/backend';

/** `model.json` beside `weights.bin`: the config a model is rebuilt from, and the weight layout. */
export interface SavedModelManifest {
  format: 'mer-weights/1';
  /** Free-form model description, e.g. `{ model: 'maven', preset: 'lite', config: {...} }`. */
  model: Record<string, unknown>;
  weights: { name: string; shape: number[]; offset: number }[];
  savedAt: string;
}

/**
 * Saves a layer's weights (float32, in `layer.weights` order) and a config to `dir/model.json` +
 * `dir/weights.bin`, each written atomically, weights first: a crash never leaves a manifest that
 * points at missing or torn weights.
 */
export async function saveWeights(layer: tfl.layers.Layer, dir: string, model: Record<string, unknown>): Promise<void> {
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
  writeFileAtomic(path.join(dir, 'weights.bin'), new Uint8Array(data.buffer));
  const manifest: SavedModelManifest = { format: 'mer-weights/1', model, weights, savedAt: new Date().toISOString() };
  writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(manifest, null, 2));
}

/** Reads `dir/model.json` (to rebuild the model from its config before {@link loadWeights}). */
export function readModelManifest(dir: string): SavedModelManifest {
  const file = path.join(dir, 'model.json');
  if (!fs.existsSync(file)) throw new Error(`${dir}: no model.json (not a saved mer model)`);
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedModelManifest;
  if (m.format !== 'mer-weights/1') throw new Error(`${file}: unknown format ${String(m.format)}`);
  return m;
}

/**
 * Loads weights saved by {@link saveWeights} into a layer built from the same config. The count and
 * every shape must match; a mismatch names the weight.
 */
export function loadWeights(layer: tfl.layers.Layer, dir: string): SavedModelManifest {
  const manifest = readModelManifest(dir);
  const bytes = fs.readFileSync(path.join(dir, 'weights.bin'));
  const data = new Float32Array(bytes.length / 4);
  new Uint8Array(data.buffer).set(bytes);
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
export function loadModel<C, M extends tfl.layers.Layer>(dir: string, kind: string, build: (config: C) => M): M {
  const manifest = readModelManifest(dir);
  if (manifest.model['model'] !== kind) throw new Error(`${dir}: holds a '${String(manifest.model['model'])}' model, not ${kind}`);
  const model = build(manifest.model['config'] as C);
  loadWeights(model, dir);
  return model;
}

/** Parameter counts per part as an aligned two-column table (for models' `summary()`). */
export function parameterTable(rows: [string, number][]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v.toLocaleString('en-US').padStart(13)}`).join('\n');
}
