/** One clip as the run scored it (`window.mer.clips()`; the page keeps typed arrays: {@link KeptClip}). */
export interface LiveClip<F = number[], M = number[]> {
  /** Page-clock seconds: the span's start and its last sampled frame. */
  start: number;
  end: number;
  label: string;
  /** By class, in the run's order. */
  probabilities: Record<string, number>;
  /** Sampled frames with a face. */
  faces: number;
  /** Each stream's rows ([frames, dim] flattened), masks and row counts, as the run scored them (a face-crops stream's rows in the newest clips only). */
  features: Record<string, F>;
  masks: Record<string, M>;
  frames: Record<string, number>;
  notes: string[];
  /** Clips the statistics came from (this one and those before it, up to the newest 500). */
  clips: number;
  /** Milliseconds the scoring took on its thread (the rows' features, standardisation and network). */
  scoreMs: number;
  /** Seconds the clip waited, after it fell due, for the clip before it to be scored (`end` is when it was handed to the run). */
  waited: number;
}

/** What the page keeps: typed arrays, made plain only when asked for (`window.mer.clips()`), and transferred from the run's worker without copying. */
export type KeptClip = LiveClip<Float32Array, Uint8Array>;

/** A kept clip as `window.mer.clips()` gives it: plain arrays. */
export function plainClip(c: KeptClip): LiveClip {
  const plain = <A extends Float32Array | Uint8Array>(r: Record<string, A>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v)]));
  return { ...c, probabilities: { ...c.probabilities }, notes: [...c.notes], frames: { ...c.frames }, features: plain(c.features), masks: plain(c.masks) };
}

/** The buffers of a clip's arrays, to transfer it from a worker. */
export function clipBuffers(c: KeptClip): ArrayBuffer[] {
  return [...new Set([...Object.values(c.features), ...Object.values(c.masks)].map((a) => a.buffer as ArrayBuffer))];
}
