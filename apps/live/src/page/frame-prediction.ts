/** Rows of one stream as the page fed them: [frames, dim] flattened, and which hold values (`window.mer.frames()` gives them as plain arrays). */
export interface LiveRows<A = number[]> {
  data: A;
  mask: A;
  frames: number;
}

/** One window a frame run predicted (`window.mer.frames()`). */
export interface LiveFramePrediction<A = number[]> {
  /** Page time (s) of the window's newest frame, and its valence and arousal. */
  time: number;
  valence: number;
  arousal: number;
  /** Frames in the window. */
  frames: number;
  notes: string[];
  /** The window's valence/arousal, [frames, 2] flattened (kept, like the rows, on the newest predictions only). */
  va: A;
  /** The frames added to the session's statistics just before (each stream's rows), and the window predicted; kept on the newest predictions only. */
  added: Record<string, LiveRows<A>>;
  window: Record<string, LiveRows<A>>;
}

/** What the page keeps: typed arrays, made plain only when asked for (`window.mer.frames()`), not on every prediction. */
export type KeptPrediction = LiveFramePrediction<Float32Array | Uint8Array>;

/** A kept prediction as `window.mer.frames()` gives it: plain arrays. */
export function plainPrediction(p: KeptPrediction): LiveFramePrediction {
  const rows = (r: Record<string, LiveRows<Float32Array | Uint8Array>>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { data: Array.from(v.data), mask: Array.from(v.mask), frames: v.frames }]));
  return { ...p, notes: [...p.notes], va: Array.from(p.va), added: rows(p.added), window: rows(p.window) };
}

/** The buffers of a prediction's arrays, to transfer it from a worker without copying. */
export function predictionBuffers(p: KeptPrediction): ArrayBuffer[] {
  const arrays = [p.va, ...[...Object.values(p.added), ...Object.values(p.window)].flatMap((r) => [r.data, r.mask])];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
