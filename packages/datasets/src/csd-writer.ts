import { loadH5wasm } from './cmu-mosei';

/** One video of a computational sequence to write: rows of features and their [start, end] seconds. */
export interface CsdVideo {
  features: number[][] | { data: Float32Array; dim: number };
  intervals: number[][];
}

/**
 * Writes a computational sequence in the CMU-MultimodalSDK layout (`<root>/data/<video>/{features,
 * intervals}`, `<root>/metadata/*`) with h5wasm: your own features in the SDK's format, or test sets.
 */
export async function writeCsd(file: string, root: string, videos: Record<string, CsdVideo>, metadata: Record<string, string> = {}): Promise<void> {
  const h5 = await loadH5wasm();
  const f = new h5.File(file, 'w');
  try {
    const g = f.create_group(root);
    const data = g.create_group('data');
    for (const [id, v] of Object.entries(videos)) {
      const vg = data.create_group(id);
      const rows = v.intervals.length;
      const flat = Array.isArray(v.features) ? Float32Array.from(v.features.flat()) : v.features.data;
      const dim = Array.isArray(v.features) ? (v.features[0]?.length ?? 0) : v.features.dim;
      if (flat.length !== rows * dim) throw new Error(`${file}: video '${id}' has ${flat.length / Math.max(dim, 1)} feature rows but ${rows} intervals`);
      vg.create_dataset({ name: 'features', data: flat, shape: [rows, dim], dtype: '<f4' });
      vg.create_dataset({ name: 'intervals', data: Float64Array.from(v.intervals.flat()), shape: [rows, 2], dtype: '<f8' });
    }
    const meta = g.create_group('metadata');
    for (const [k, v] of Object.entries({ 'root name': root, ...metadata })) meta.create_dataset({ name: k, data: [v] });
  } finally {
    f.close();
  }
}
