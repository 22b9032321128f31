/** Slaney's mel scale (librosa's default, `htk=False`): linear below 1 kHz, logarithmic above. */
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

function hzToMel(hz: number): number {
  return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
}

function melToHz(mel: number): number {
  return mel < MIN_LOG_MEL ? F_SP * mel : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
}

/**
 * librosa's mel filter bank (`librosa.filters.mel`, Slaney scale and area norm): `bands` triangles
 * between `minHz` and `maxHz` over the `1 + fftLength / 2` bins of an rFFT at `sampleRate`.
 * @returns [bands][bins]
 */
export function slaneyMelFilters(o: { sampleRate: number; fftLength: number; bands: number; minHz: number; maxHz: number }): number[][] {
  const bins = 1 + Math.floor(o.fftLength / 2);
  const freqs = Array.from({ length: bins }, (_, k) => (k * o.sampleRate) / o.fftLength);
  const [lo, hi] = [hzToMel(o.minHz), hzToMel(o.maxHz)];
  const edges = Array.from({ length: o.bands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (o.bands + 1)));
  return Array.from({ length: o.bands }, (_, b) => {
    const [left, centre, right] = [edges[b], edges[b + 1], edges[b + 2]];
    const norm = 2 / (right - left);
    return freqs.map((f) => norm * Math.max(0, Math.min((f - left) / (centre - left), (right - f) / (right - centre))));
  });
}

/**
 * The HTK-scale bank transformers.js' Gemma3n feature extractor builds (`mel_filter_bank`, `htk`, no
 * norm): `bands` triangles between `minHz` and `maxHz`, edges equally spaced in HTK mel, each triangle
 * linear in Hz, over the `1 + fftLength / 2` bins of an rFFT at `sampleRate`.
 * @returns [bands][bins]
 */
export function htkMelFilters(o: { sampleRate: number; fftLength: number; bands: number; minHz: number; maxHz: number }): number[][] {
  const bins = 1 + Math.floor(o.fftLength / 2);
  const toMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
  const toHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);
  const freqs = Array.from({ length: bins }, (_, k) => ((o.sampleRate / 2) * k) / (bins - 1));
  const [lo, hi] = [toMel(o.minHz), toMel(o.maxHz)];
  const edges = Array.from({ length: o.bands + 2 }, (_, i) => toHz(lo + ((hi - lo) * i) / (o.bands + 1)));
  return Array.from({ length: o.bands }, (_, b) => {
    const [left, centre, right] = [edges[b], edges[b + 1], edges[b + 2]];
    return freqs.map((f) => Math.max(0, Math.min((f - left) / (centre - left), (right - f) / (right - centre))));
  });
}

/** The periodic Hann window of `n` samples (librosa's `get_window('hann', n, fftbins=True)`). */
export function periodicHann(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
}
