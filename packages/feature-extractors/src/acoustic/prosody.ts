import { trackPitch } from './pitch';
import { loudnessOf, melEnergies, melFilters } from './spectral-descriptors';
import { powerSpectra } from './spectra';

/** F0 and loudness per 10 ms of 16 kHz audio: the two eGeMAPS descriptors that are cheap to compute. */
export interface Prosody {
  /** Hz, 0 where unvoiced (Praat's autocorrelation method). */
  f0: Float32Array;
  /** eGeMAPS loudness: Σ over 26 mel bands of band power^0.3. */
  loudness: Float32Array;
  timeStep: number;
}

export function prosody(x16: Float32Array): Prosody {
  const pitch = trackPitch(x16, 16000);
  const frames = pitch.f0.length;
  const spec = powerSpectra(x16, 16000, { window: 400, hop: 160, frames });
  const filters = melFilters(spec.bins, spec.binHz, 26, 20, 8000);
  const loudness = Float32Array.from({ length: frames }, (_, t) => loudnessOf(melEnergies(spec.power.subarray(t * spec.bins, (t + 1) * spec.bins), filters)));
  return { f0: pitch.f0, loudness, timeStep: pitch.timeStep };
}

/** The 10 ms row nearest each frame time (the last row where the audio is shorter). */
export function rowsAt(values: Float32Array, timeStep: number, times: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: times.length }, (_, f) => values[Math.max(0, Math.min(values.length - 1, Math.round(times[f] / timeStep)))] ?? 0);
}
