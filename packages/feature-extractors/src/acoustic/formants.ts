/** Burg LPC formant settings; the defaults are Praat's `To Formant (burg)`. */
export interface FormantOptions {
  timeStep?: number;
  /** Formants searched (order = 2 × this). Default 5. */
  maxFormants?: number;
  /** Hz: the signal is analysed at twice this rate (give samples at that rate). Default 5500. */
  maxFrequency?: number;
  /** Seconds; the Gaussian window is twice as long. Default 0.025. */
  windowLength?: number;
  /** Hz. Default 50. */
  preEmphasisFrom?: number;
}

/** Per frame, the first three formants' frequencies and bandwidths (Hz; NaN where not found). */
export interface FormantTrack {
  frequency: Float32Array; // [frames, 3]
  bandwidth: Float32Array; // [frames, 3]
}

/** Burg's LPC coefficients a[1..order] of x (x[n] ≈ −Σ a[k] x[n−k]); Numerical Recipes' memcof. */
export function burg(x: Float64Array, order: number): Float64Array {
  const n = x.length;
  const a = new Float64Array(order + 1);
  const wk1 = new Float64Array(n);
  const wk2 = new Float64Array(n);
  const aOld = new Float64Array(order + 1);
  wk1[0] = x[0];
  wk2[n - 2] = x[n - 1];
  for (let j = 1; j < n - 1; j++) {
    wk1[j] = x[j];
    wk2[j - 1] = x[j];
  }
  for (let k = 1; k <= order; k++) {
    let num = 0;
    let den = 0;
    for (let j = 0; j < n - k; j++) {
      num += wk1[j] * wk2[j];
      den += wk1[j] * wk1[j] + wk2[j] * wk2[j];
    }
    a[k] = den > 0 ? (2 * num) / den : 0;
    for (let i = 1; i < k; i++) a[i] = aOld[i] - a[k] * aOld[k - i];
    if (k === order) break;
    for (let i = 1; i <= k; i++) aOld[i] = a[i];
    for (let j = 0; j < n - k - 1; j++) {
      wk1[j] -= aOld[k] * wk2[j];
      wk2[j] = wk2[j + 1] - aOld[k] * wk1[j + 1];
    }
  }
  // memcof's predictor x[n] ≈ Σ d[k] x[n−k]  →  polynomial 1 − Σ d[k] z⁻ᵏ
  const poly = new Float64Array(order + 1);
  poly[0] = 1;
  for (let k = 1; k <= order; k++) poly[k] = -a[k];
  return poly;
}

/** Roots of z^m + c1 z^(m−1) + … + cm (monic, real coefficients) by Durand–Kerner. @returns [re, im] pairs */
export function polynomialRoots(c: Float64Array): [number, number][] {
  const m = c.length - 1;
  const re = Float64Array.from({ length: m }, (_, k) => 0.9 * Math.cos((2 * Math.PI * k) / m + 0.4));
  const im = Float64Array.from({ length: m }, (_, k) => 0.9 * Math.sin((2 * Math.PI * k) / m + 0.4));
  for (let iter = 0; iter < 500; iter++) {
    let moved = 0;
    for (let i = 0; i < m; i++) {
      // p(z_i) by Horner
      let pr = 1;
      let pi = 0;
      for (let k = 1; k <= m; k++) {
        const nr = pr * re[i] - pi * im[i] + c[k];
        pi = pr * im[i] + pi * re[i];
        pr = nr;
      }
      // Π (z_i − z_j)
      let dr = 1;
      let di = 0;
      for (let j = 0; j < m; j++) {
        if (j === i) continue;
        const ar = re[i] - re[j];
        const ai = im[i] - im[j];
        const nr = dr * ar - di * ai;
        di = dr * ai + di * ar;
        dr = nr;
      }
      const den = dr * dr + di * di || 1e-300;
      const qr = (pr * dr + pi * di) / den;
      const qi = (pi * dr - pr * di) / den;
      re[i] -= qr;
      im[i] -= qi;
      moved = Math.max(moved, Math.abs(qr) + Math.abs(qi));
    }
    if (moved < 1e-12) break;
  }
  return Array.from({ length: m }, (_, i) => [re[i], im[i]]);
}

/**
 * Formants by Burg LPC as Praat's `To Formant (burg)` computes them: `samples` at 2 × maxFrequency
 * (ffmpeg resamples), pre-emphasis from 50 Hz, Gaussian windows of 2 × windowLength every timeStep
 * (frame i centred at i · timeStep), order 2 × maxFormants; polynomial roots give frequencies
 * (arg z · fs / 2π) and bandwidths (−ln |z| · fs / π); those within 50 Hz of 0 or of fs/2 are dropped.
 */
export function trackFormants(samples: Float32Array, sampleRate: number, frames: number, options: FormantOptions = {}): FormantTrack {
  const timeStep = options.timeStep ?? 0.01;
  const order = 2 * (options.maxFormants ?? 5);
  const n = Math.round(2 * (options.windowLength ?? 0.025) * sampleRate);
  const alpha = Math.exp((-2 * Math.PI * (options.preEmphasisFrom ?? 50)) / sampleRate);
  const emph = new Float32Array(samples.length);
  for (let i = samples.length - 1; i > 0; i--) emph[i] = samples[i] - alpha * samples[i - 1];
  emph[0] = samples[0] ?? 0;
  // Praat's Gaussian window: exp(−12·(i/n − 0.5)²), edges pulled to zero.
  const edge = Math.exp(-12);
  const win = Float64Array.from({ length: n }, (_, i) => (Math.exp(-12 * ((i + 0.5) / n - 0.5) ** 2) - edge) / (1 - edge));
  const frequency = new Float32Array(frames * 3).fill(NaN);
  const bandwidth = new Float32Array(frames * 3).fill(NaN);
  const x = new Float64Array(n);
  const nyquist = sampleRate / 2;
  for (let f = 0; f < frames; f++) {
    const start = Math.round(f * timeStep * sampleRate) - Math.floor(n / 2);
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const j = start + i;
      x[i] = (j >= 0 && j < emph.length ? emph[j] : 0) * win[i];
      energy += x[i] * x[i];
    }
    if (energy < 1e-12) continue;
    const roots = polynomialRoots(burg(x, order));
    const found = roots
      .filter(([, im]) => im > 0)
      .map(([re, im]) => ({ f: (Math.atan2(im, re) * sampleRate) / (2 * Math.PI), b: (-Math.log(Math.hypot(re, im)) * sampleRate) / Math.PI }))
      .filter((r) => r.f > 50 && r.f < nyquist - 50)
      .sort((a, b) => a.f - b.f);
    for (let k = 0; k < 3 && k < found.length; k++) {
      frequency[f * 3 + k] = found[k].f;
      bandwidth[f * 3 + k] = found[k].b;
    }
  }
  return { frequency, bandwidth };
}
