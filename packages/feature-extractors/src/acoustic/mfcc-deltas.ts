import { melEnergies, melFilters } from './spectral-descriptors';
import { powerSpectra } from './spectra';

/** HTK-style cepstra for utterance statistics. */
export interface MfccDeltasConfig {
  /** Default 16000 (the rate eGeMAPS descriptors are computed at). */
  sampleRate: number;
  /** Cepstral coefficients c0 … c(n−1). Default 13. */
  coefficients: number;
  /** Triangular mel bands over 0 … sampleRate / 2. Default 26. */
  melBands: number;
  /** Hamming window and hop, seconds. Default 0.025 and 0.010. */
  window: number;
  hop: number;
  /** Regression half-width of the deltas (HTK's DELTAWINDOW). Default 2. */
  deltaWindow: number;
}

export const MFCC_DELTAS_DEFAULTS: MfccDeltasConfig = { sampleRate: 16000, coefficients: 13, melBands: 26, window: 0.025, hop: 0.01, deltaWindow: 2 };

/** Names of the columns of {@link mfccDeltas}, in order: mfcc0…, logEnergy, then Δ of each, then ΔΔ of each. */
export function mfccDeltaNames(config: MfccDeltasConfig = MFCC_DELTAS_DEFAULTS): string[] {
  const base = [...Array.from({ length: config.coefficients }, (_, k) => `mfcc${k}`), 'logEnergy'];
  return [...base, ...base.map((n) => `${n}_de`), ...base.map((n) => `${n}_de_de`)];
}

/**
 * Regression deltas (HTK): d_t = Σₙ n (x_{t+n} − x_{t−n}) / (2 Σₙ n²), n = 1 … N, the first and last
 * rows repeated at the edges. @param x [frames, dim] @returns [frames, dim]
 */
export function deltas(x: Float64Array, frames: number, dim: number, n: number): Float64Array {
  const out = new Float64Array(frames * dim);
  const norm = 2 * Array.from({ length: n }, (_, i) => (i + 1) ** 2).reduce((a, b) => a + b, 0);
  const at = (t: number) => Math.min(frames - 1, Math.max(0, t));
  for (let t = 0; t < frames; t++) {
    for (let d = 0; d < dim; d++) {
      let s = 0;
      for (let k = 1; k <= n; k++) s += k * (x[at(t + k) * dim + d] - x[at(t - k) * dim + d]);
      out[t * dim + d] = s / norm;
    }
  }
  return out;
}

/**
 * MFCCs c0 … c12 (log of 26 triangular mel band energies, orthonormal DCT-II) and the log frame
 * energy of 25 ms Hamming frames every 10 ms, with their deltas and delta-deltas: the classic
 * speech-emotion front end (HTK / the real-data peer's features, plus ΔΔ).
 * @param samples mono PCM at `config.sampleRate`
 * @returns data [frames, 3 · (coefficients + 1)] in {@link mfccDeltaNames} order, and each frame's
 *   energy (the sum of its power spectrum; 0 for digital silence)
 */
export function mfccDeltas(samples: Float32Array, config: MfccDeltasConfig = MFCC_DELTAS_DEFAULTS): { data: Float64Array; frames: number; dim: number; energy: Float64Array } {
  const c = config;
  const spec = powerSpectra(samples, c.sampleRate, { window: Math.round(c.window * c.sampleRate), hop: Math.round(c.hop * c.sampleRate) });
  const filters = melFilters(spec.bins, spec.binHz, c.melBands, 0, c.sampleRate / 2);
  const base = c.coefficients + 1;
  const x = new Float64Array(spec.frames * base); // [frames, coefficients + 1]
  const energy = new Float64Array(spec.frames);
  for (let t = 0; t < spec.frames; t++) {
    const p = spec.power.subarray(t * spec.bins, (t + 1) * spec.bins);
    const logMel = Array.from(melEnergies(p, filters), (v) => Math.log(v + 1e-10));
    for (let k = 0; k < c.coefficients; k++) {
      let s = 0;
      for (let m = 0; m < c.melBands; m++) s += logMel[m] * Math.cos((Math.PI * k * (m + 0.5)) / c.melBands);
      x[t * base + k] = s * Math.sqrt((k === 0 ? 1 : 2) / c.melBands);
    }
    energy[t] = p.reduce((a, v) => a + v, 0);
    x[t * base + c.coefficients] = Math.log(energy[t] + 1e-10);
  }
  const d1 = deltas(x, spec.frames, base, c.deltaWindow);
  const d2 = deltas(d1, spec.frames, base, c.deltaWindow);
  const dim = 3 * base;
  const data = new Float64Array(spec.frames * dim);
  for (let t = 0; t < spec.frames; t++) {
    data.set(x.subarray(t * base, (t + 1) * base), t * dim);
    data.set(d1.subarray(t * base, (t + 1) * base), t * dim + base);
    data.set(d2.subarray(t * base, (t + 1) * base), t * dim + 2 * base);
  }
  return { data, frames: spec.frames, dim, energy };
}
