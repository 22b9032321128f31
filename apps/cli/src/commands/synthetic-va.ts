import { createRng } from '@mer/backend';

/**
 * A synthetic valence-arousal sequence task, generated from a seed: per-frame features whose
 * smoothed projections (plus noise) are the valence/arousal labels. Made up on purpose — it exists
 * so the demo runs offline with nothing but `npm ci` and has something learnable.
 */
export interface SyntheticVa {
  /** [N, T, D] row-major */
  features: Float32Array;
  /** [N, T, 2] row-major (valence, arousal) in [−1, 1] */
  labels: Float32Array;
  n: number;
  t: number;
  d: number;
}

export function makeSyntheticVa(n: number, t: number, d: number, seed: number): SyntheticVa {
  const rng = createRng(seed);
  // Fixed "true" projections shared by every sequence (seeded separately so splits share them).
  const proj = createRng(12345);
  const wv = Array.from({ length: d }, () => proj.normal() / Math.sqrt(d));
  const wa = Array.from({ length: d }, () => proj.normal() / Math.sqrt(d));
  const features = new Float32Array(n * t * d);
  const labels = new Float32Array(n * t * 2);
  for (let i = 0; i < n; i++) {
    let sv = 0;
    let sa = 0;
    for (let k = 0; k < t; k++) {
      let pv = 0;
      let pa = 0;
      for (let j = 0; j < d; j++) {
        const f = rng.normal();
        features[(i * t + k) * d + j] = f;
        pv += wv[j] * f;
        pa += wa[j] * f;
      }
      // Emotion changes slowly: an exponential moving average over frames, then squashed.
      sv = 0.8 * sv + 0.2 * pv * 3;
      sa = 0.8 * sa + 0.2 * pa * 3;
      labels[(i * t + k) * 2] = Math.tanh(sv + 0.1 * rng.normal());
      labels[(i * t + k) * 2 + 1] = Math.tanh(sa + 0.1 * rng.normal());
    }
  }
  return { features, labels, n, t, d };
}
