import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** CMU-MOSEI label columns, in the SDK's order. */
export const MOSEI_LABELS = ['sentiment', 'happy', 'sad', 'anger', 'surprise', 'disgust', 'fear'] as const;
export const MOSEI_EMOTIONS = MOSEI_LABELS.slice(1);

/** One video's rows of a computational sequence. */
export interface CsdSequence {
  /** [N, D] row-major. */
  features: Float32Array;
  /** [N, 2] start/end seconds. */
  intervals: Float64Array;
  rows: number;
  dim: number;
  /** Values that were −inf, +inf or NaN in the file (COVAREP has −inf), replaced by 0. */
  nonFinite: number;
}

/** A CMU-MultimodalSDK computational sequence (`.csd`, HDF5). */
export interface CsdFile {
  file: string;
  /** The root group's name, e.g. 'All Labels' or 'COVAREP'. */
  name: string;
  videos: string[];
  metadata: Record<string, string>;
  get(videoId: string): CsdSequence;
  close(): void;
}

// h5wasm ships only an ES module build for Node ("h5wasm/node", import condition only). It is loaded
// with Node's own require (require(esm), Node >= 20.19), which works the same from the CommonJS
// build, from ES module callers and under jest, with no dynamic import().
/** Node's require, made when first needed (a browser bundle of this package never reads HDF5). */
const nodeRequire = (id: string): ReturnType<NodeJS.Require> => createRequire(__filename)(id);

function h5wasmNodeEntry(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'node_modules', 'h5wasm', 'package.json');
    if (fs.existsSync(pkg)) {
      const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { exports?: Record<string, { import?: string }> };
      return path.join(path.dirname(pkg), json.exports?.['./node']?.import ?? 'dist/node/hdf5_hl.js');
    }
    if (path.dirname(dir) === dir) throw new Error('h5wasm is not installed (npm install h5wasm)');
  }
}

let h5: Promise<any> | undefined;
/** The h5wasm module (node build), loaded once and shared, e.g. to write `.csd` files. */
export async function loadH5wasm(): Promise<any> {
  h5 ??= (async () => {
    const lib = nodeRequire(h5wasmNodeEntry());
    await lib.ready;
    return lib;
  })();
  return h5;
}

function toFloat32(v: unknown): Float32Array {
  if (v instanceof Float32Array) return v;
  if (ArrayBuffer.isView(v)) return Float32Array.from(v as unknown as ArrayLike<number>);
  throw new Error('not a numeric dataset');
}

/**
 * Opens a `.csd` file: `<root>/data/<video>/{features [N×D], intervals [N×2]}` and `<root>/metadata/*`.
 * Reads one video at a time (the file can be gigabytes). Infinite and NaN values (COVAREP has −inf)
 * become 0, counted in each sequence's `nonFinite`.
 */
export async function openCsd(file: string): Promise<CsdFile> {
  if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
  const lib = await loadH5wasm();
  let f: any;
  let roots: string[];
  try {
    f = new lib.File(file, 'r');
    roots = f.keys();
  } catch (e) {
    f?.close?.();
    throw new Error(`${file}: not a readable HDF5 computational sequence (${e instanceof Error ? e.message : String(e)})`);
  }
  if (roots.length !== 1) {
    f.close();
    throw new Error(`${file}: expected one root group in a .csd, found ${roots.length} (${roots.join(', ')})`);
  }
  const name = roots[0];
  const data = f.get(`${name}/data`);
  if (!data) {
    f.close();
    throw new Error(`${file}: no '${name}/data' group`);
  }
  const metadata: Record<string, string> = {};
  const meta = f.get(`${name}/metadata`);
  if (meta && typeof meta.keys === 'function') {
    for (const k of meta.keys() as string[]) {
      const v = meta.get(k)?.value;
      metadata[k] = Array.isArray(v) ? v.join(' ') : String(v);
    }
  }
  const videos: string[] = data.keys();
  return {
    file,
    name,
    videos,
    metadata,
    get(videoId: string): CsdSequence {
      const feats = f.get(`${name}/data/${videoId}/features`);
      const ints = f.get(`${name}/data/${videoId}/intervals`);
      if (!feats || !ints) throw new Error(`${file}: video '${videoId}' has no features/intervals`);
      const shape: number[] = feats.shape;
      const features = toFloat32(feats.value).slice();
      let nonFinite = 0;
      for (let i = 0; i < features.length; i++) {
        if (!Number.isFinite(features[i])) {
          features[i] = 0;
          nonFinite++;
        }
      }
      const intervals = Float64Array.from(ints.value as ArrayLike<number>);
      const rows = shape[0];
      if (intervals.length !== rows * 2) throw new Error(`${file}: video '${videoId}' has ${rows} feature rows but ${intervals.length / 2} intervals`);
      return { features, intervals, rows, dim: shape.length > 1 ? shape[1] : 1, nonFinite };
    },
    close: () => f.close(),
  };
}

/** One labelled CMU-MOSEI segment. */
export interface MoseiSegment {
  /** `<video>[<row>]`, the SDK's segment naming. */
  id: string;
  video: string;
  start: number;
  end: number;
  /** −3 … 3. */
  sentiment: number;
  /** [happy, sad, anger, surprise, disgust, fear], each 0 … 3. */
  emotions: Float32Array;
  /** 1 where the emotion is present (score > 0). */
  present: Float32Array;
}

/** Segments of the 'All Labels' sequence: `[sentiment, 6 emotions]` per row, binarised at > 0. */
export async function readMoseiLabels(file: string): Promise<MoseiSegment[]> {
  const csd = await openCsd(file);
  try {
    const out: MoseiSegment[] = [];
    for (const video of csd.videos) {
      const s = csd.get(video);
      if (s.dim !== 7) throw new Error(`${file}: video '${video}' has ${s.dim} label columns, expected 7 (${MOSEI_LABELS.join(', ')})`);
      for (let r = 0; r < s.rows; r++) {
        const emotions = s.features.slice(r * 7 + 1, r * 7 + 7);
        out.push({
          id: `${video}[${r}]`,
          video,
          start: s.intervals[r * 2],
          end: s.intervals[r * 2 + 1],
          sentiment: s.features[r * 7],
          emotions,
          present: emotions.map((e) => (e > 0 ? 1 : 0)),
        });
      }
    }
    return out;
  } finally {
    csd.close();
  }
}

export interface MoseiFolds {
  train: string[];
  valid: string[];
  test: string[];
}

/**
 * Reads the standard folds (video ids) from a JSON file `{train, valid, test}` or from the SDK's
 * `cmu_mosei_std_folds.py` (`standard_train_fold = [...]`, `standard_valid_fold`, `standard_test_fold`).
 */
export function readMoseiFolds(file: string): MoseiFolds {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const j = JSON.parse(text) as Partial<MoseiFolds>;
    if (!j.train || !j.valid || !j.test) throw new Error(`${file}: expected keys train, valid, test`);
    return j as MoseiFolds;
  }
  const fold = (key: string): string[] => {
    const m = new RegExp(`standard_${key}_fold\\s*=\\s*\\[([\\s\\S]*?)\\]`).exec(text);
    if (!m) throw new Error(`${file}: no standard_${key}_fold list`);
    return [...m[1].matchAll(/['"]([^'"]+)['"]/g)].map((x) => x[1]);
  };
  return { train: fold('train'), valid: fold('valid'), test: fold('test') };
}
