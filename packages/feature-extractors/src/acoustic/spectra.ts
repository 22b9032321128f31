import FFT from 'fft.js';

/**
 * Power spectra of short frames (fft.js: a well-kept radix-4 FFT, MIT): frames of `window` samples
 * every `hop` samples, centred on `t = i · hop / sampleRate` (zero-padded at the edges), Hamming
 * window, FFT of the next power of two. @returns [frames, bins] power, bins = fftSize / 2 + 1
 */
export function powerSpectra(samples: Float32Array, sampleRate: number, options: { window: number; hop: number; frames?: number }): { power: Float32Array; bins: number; fftSize: number; frames: number; binHz: number } {
  const { window, hop } = options;
  const frames = options.frames ?? Math.max(1, Math.floor(samples.length / hop));
  let fftSize = 1;
  while (fftSize < window) fftSize *= 2;
  const bins = fftSize / 2 + 1;
  const fft = transform(fftSize);
  const input = new Array<number>(fftSize).fill(0);
  const out = fft.createComplexArray() as number[];
  const w = Float32Array.from({ length: window }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (window - 1)));
  const power = new Float32Array(frames * bins);
  for (let f = 0; f < frames; f++) {
    const start = f * hop - Math.floor(window / 2);
    input.fill(0);
    for (let i = 0; i < window; i++) {
      const j = start + i;
      input[i] = j >= 0 && j < samples.length ? samples[j] * w[i] : 0;
    }
    fft.realTransform(out, input);
    for (let k = 0; k < bins; k++) power[f * bins + k] = out[2 * k] ** 2 + out[2 * k + 1] ** 2;
  }
  return { power, bins, fftSize, frames, binHz: sampleRate / fftSize };
}

/** fft.js transforms by size: building one computes its tables, so each size is built once. */
const transforms = new Map<number, FFT>();
function transform(n: number): FFT {
  let fft = transforms.get(n);
  if (!fft) transforms.set(n, (fft = new FFT(n)));
  return fft;
}

/** Autocorrelation of `x` for lags 0 … maxLag through the FFT (zero-padded: no wrap-around). */
export function autocorrelation(x: Float64Array | Float32Array, maxLag: number): Float64Array {
  let n = 1;
  while (n < x.length + maxLag + 1) n *= 2;
  const fft = transform(n);
  const input = new Array<number>(n).fill(0);
  for (let i = 0; i < x.length; i++) input[i] = x[i];
  const spec = fft.createComplexArray() as number[];
  fft.realTransform(spec, input);
  fft.completeSpectrum(spec);
  for (let k = 0; k < n; k++) {
    spec[2 * k] = spec[2 * k] ** 2 + spec[2 * k + 1] ** 2;
    spec[2 * k + 1] = 0;
  }
  const back = fft.createComplexArray() as number[];
  fft.inverseTransform(back, spec);
  return Float64Array.from({ length: maxLag + 1 }, (_, k) => back[2 * k]);
}
