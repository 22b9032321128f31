import FFT from 'fft.js';

/** A mel filter bank kept as each band's non-zero run of FFT bins (a 128 × 1025 Slaney bank has ~2,000 non-zeros). */
export interface SparseMelFilters {
  bands: number;
  bins: number;
  first: Int32Array;
  weights: Float64Array[];
}

/** `filters`: `[bands][bins]` dense (transformers.js' `mel_filter_bank` layout). */
export function sparseMelFilters(filters: readonly (readonly number[])[]): SparseMelFilters {
  const bins = filters[0]?.length ?? 0;
  const first = new Int32Array(filters.length);
  const weights = filters.map((row, b) => {
    let lo = row.findIndex((v) => v !== 0);
    if (lo < 0) lo = 0;
    let hi = row.length - 1;
    while (hi > lo && row[hi] === 0) hi--;
    first[b] = lo;
    return Float64Array.from(row.slice(lo, hi + 1));
  });
  return { bands: filters.length, bins, first, weights };
}

export interface StftMelOptions {
  fftLength: number;
  hopLength: number;
  /** The analysis window (its length is the frame length, ≤ fftLength; the rest of the FFT input is zero). */
  window: ArrayLike<number>;
  /** Centre frames on `i · hop` with reflect padding of fftLength/2 (librosa), or frames from 0 (VGGish). */
  center: boolean;
  /** 2: power spectrum (librosa's mel), 1: magnitude (VGGish). */
  power: 1 | 2;
  filters: SparseMelFilters;
}

const ffts = new Map<number, FFT>();

/** numpy's 'reflect' padding (edge sample not repeated). */
function padReflect(x: Float32Array, pad: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n + 2 * pad);
  for (let i = 0; i < out.length; i++) {
    let j = i - pad;
    const period = 2 * (n - 1);
    if (period > 0) {
      j = ((j % period) + period) % period;
      if (j >= n) j = period - j;
    } else j = 0;
    out[i] = x[j];
  }
  return out;
}

/**
 * Mel energies of a short-time Fourier transform, `[frames, bands]` row-major in float64: frames of
 * `window.length` samples every `hopLength`, windowed, FFT of `fftLength` (fft.js), |X|^power, then
 * the sparse mel bank. The same sums as transformers.js' `spectrogram` (whose mel product goes through
 * an ONNX matmul per call), without the dense 128 × 1025 product.
 */
export function stftMel(samples: Float32Array, o: StftMelOptions): { data: Float64Array; frames: number } {
  const frameLength = o.window.length;
  const x = o.center ? padReflect(samples, Math.floor(frameLength / 2)) : samples;
  const frames = x.length < frameLength ? 0 : 1 + Math.floor((x.length - frameLength) / o.hopLength);
  let fft = ffts.get(o.fftLength);
  if (!fft) ffts.set(o.fftLength, (fft = new FFT(o.fftLength)));
  const input = new Array<number>(o.fftLength).fill(0);
  const out = fft.createComplexArray() as number[];
  const bins = Math.floor(o.fftLength / 2) + 1;
  const spectrum = new Float64Array(bins);
  const { bands, first, weights } = o.filters;
  const data = new Float64Array(frames * bands);
  for (let f = 0; f < frames; f++) {
    const at = f * o.hopLength;
    let silent = true;
    for (let i = 0; i < frameLength; i++) {
      input[i] = x[at + i] * o.window[i];
      if (input[i] !== 0) silent = false;
    }
    if (silent) continue; // an all-zero frame (a clip's zero padding): its energies are exactly 0
    fft.realTransform(out, input);
    for (let k = 0; k < bins; k++) {
      const p = out[2 * k] * out[2 * k] + out[2 * k + 1] * out[2 * k + 1];
      spectrum[k] = o.power === 2 ? p : Math.sqrt(p);
    }
    for (let b = 0; b < bands; b++) {
      const w = weights[b];
      const k0 = first[b];
      let s = 0;
      for (let k = 0; k < w.length; k++) s += w[k] * spectrum[k0 + k];
      data[f * bands + b] = s;
    }
  }
  return { data, frames };
}
