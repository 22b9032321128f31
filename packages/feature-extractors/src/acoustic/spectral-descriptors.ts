/** Hz → mel (HTK). */
const mel = (f: number) => 2595 * Math.log10(1 + f / 700);

/** Triangular mel filters over `bins` FFT bins (HTK), `bands` of them between `low` and `high` Hz. */
export function melFilters(bins: number, binHz: number, bands: number, low: number, high: number): Float32Array[] {
  const edges = Array.from({ length: bands + 2 }, (_, i) => mel(low) + ((mel(high) - mel(low)) * i) / (bands + 1)).map((m) => 700 * (10 ** (m / 2595) - 1));
  return Array.from({ length: bands }, (_, b) => {
    const w = new Float32Array(bins);
    for (let k = 0; k < bins; k++) {
      const f = k * binHz;
      if (f > edges[b] && f < edges[b + 2]) w[k] = f <= edges[b + 1] ? (f - edges[b]) / (edges[b + 1] - edges[b]) : (edges[b + 2] - f) / (edges[b + 2] - edges[b + 1]);
    }
    return w;
  });
}

/** Energy of bins in [lo, hi) Hz. */
export function bandEnergy(p: Float32Array, binHz: number, lo: number, hi: number): number {
  let e = 0;
  for (let k = Math.ceil(lo / binHz); k < Math.min(p.length, Math.ceil(hi / binHz)); k++) e += p[k];
  return e;
}

/** Largest bin power in [lo, hi) Hz. */
export function bandMax(p: Float32Array, binHz: number, lo: number, hi: number): number {
  let m = 0;
  for (let k = Math.ceil(lo / binHz); k < Math.min(p.length, Math.ceil(hi / binHz)); k++) m = Math.max(m, p[k]);
  return m;
}

/** Least-squares slope of the power spectrum in dB over [lo, hi] Hz, dB per Hz. */
export function spectralSlope(p: Float32Array, binHz: number, lo: number, hi: number): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let k = Math.ceil(lo / binHz); k <= Math.min(p.length - 1, Math.floor(hi / binHz)); k++) {
    const x = k * binHz;
    const y = 10 * Math.log10(p[k] + 1e-12);
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const d = n * sxx - sx * sx;
  return n > 1 && d > 0 ? (n * sxy - sx * sy) / d : 0;
}

/** The level (dB) of the harmonic peak nearest `hz`: the largest bin within ±10 % (at least ±1 bin) of it. */
export function harmonicLevel(p: Float32Array, binHz: number, hz: number): number {
  const c = Math.round(hz / binHz);
  const r = Math.max(1, Math.round((0.1 * hz) / binHz));
  let m = 0;
  for (let k = Math.max(0, c - r); k <= Math.min(p.length - 1, c + r); k++) m = Math.max(m, p[k]);
  return 10 * Math.log10(m + 1e-12);
}

/** Orthonormal DCT-II coefficients 1 … count of `x` (coefficient 0, the level, is left out). */
export function dctCoefficients(x: Float64Array, count: number): number[] {
  const n = x.length;
  return Array.from({ length: count }, (_, j) => {
    const k = j + 1;
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i] * Math.cos((Math.PI * k * (i + 0.5)) / n);
    return s * Math.sqrt(2 / n);
  });
}

/** Band energies of one power spectrum through `filters`. */
export function melEnergies(p: Float32Array, filters: readonly Float32Array[]): Float64Array {
  const out = new Float64Array(filters.length);
  for (let b = 0; b < filters.length; b++) {
    const w = filters[b];
    let s = 0;
    for (let k = 0; k < w.length; k++) s += w[k] * p[k];
    out[b] = s;
  }
  return out;
}

/** eGeMAPS loudness of band energies: Σ energy^0.3 (Zwicker's power law on an auditory spectrum). */
export function loudnessOf(bands: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < bands.length; i++) s += Math.pow(bands[i], 0.3);
  return s;
}
