import { trackFormants } from './formants';
import { glottalPulses, voiceQuality } from './glottal-pulses';
import { trackPitch } from './pitch';
import { bandEnergy, bandMax, dctCoefficients, harmonicLevel, loudnessOf, melEnergies, melFilters, spectralSlope } from './spectral-descriptors';
import { powerSpectra } from './spectra';

/** How mer's eGeMAPS descriptors are computed, recorded in a stream's config: its version, the rates of the two inputs, the row step (s). */
export const EGEMAPS_CONFIG = { version: 'mer-egemaps/2', sampleRate: 16000, formantSampleRate: 11000, timeStep: 0.01 };

/**
 * The 25 low-level descriptors of eGeMAPS (Eyben et al. 2016, "The Geneva Minimalistic Acoustic
 * Parameter Set"), one row per 10 ms frame. Voice-source descriptors (F0 … F3 amplitude) are 0 in
 * unvoiced frames; `voiced` says which frames have them.
 */
export const EGEMAPS_LLD_NAMES = [
  'loudness',
  'alphaRatio',
  'hammarbergIndex',
  'slope0-500',
  'slope500-1500',
  'F0semitoneFrom27.5Hz',
  'jitterLocal',
  'shimmerLocaldB',
  'HNRdBACF',
  'logRelF0-H1-H2',
  'logRelF0-H1-A3',
  'F1frequency',
  'F1bandwidth',
  'F1amplitudeLogRelF0',
  'F2frequency',
  'F2bandwidth',
  'F2amplitudeLogRelF0',
  'F3frequency',
  'F3bandwidth',
  'F3amplitudeLogRelF0',
  'mfcc1',
  'mfcc2',
  'mfcc3',
  'mfcc4',
  'spectralFlux',
] as const;

/** Descriptors defined in voiced frames only. */
export const VOICED_LLDS = new Set<string>(EGEMAPS_LLD_NAMES.slice(5, 20));

export interface AcousticLlds {
  /** [frames, 25] row-major, in {@link EGEMAPS_LLD_NAMES} order. */
  data: Float32Array;
  frames: number;
  /** [frames] 1 where F0 was found. */
  voiced: Uint8Array;
  /** Seconds between rows (frame i is centred at i · timeStep). */
  timeStep: number;
}

const DIM = EGEMAPS_LLD_NAMES.length;

/**
 * eGeMAPS low-level descriptors of a recording: `x16` at 16 kHz (spectral descriptors from 25 ms
 * Hamming frames; F0, HNR, jitter and shimmer as Praat computes them — Boersma's autocorrelation
 * pitch, checked against Praat), and `x11` the same audio at 11 kHz for Burg formants (Praat's
 * `To Formant (burg)`, 5 formants up to 5.5 kHz). Loudness is the sum over 26 mel bands of band
 * power^0.3 (Zwicker's power law on an auditory spectrum, as eGeMAPS); shimmer is in dB.
 */
export function egemapsLlds(x16: Float32Array, x11: Float32Array): AcousticLlds {
  const sr = 16000;
  const timeStep = 0.01;
  const pitch = trackPitch(x16, sr, { timeStep });
  const frames = pitch.f0.length;
  const hnrTrack = trackPitch(x16, sr, { timeStep, periodsPerWindow: 4.5, silenceThreshold: 0.1, voicingThreshold: 0, octaveCost: 0, octaveJumpCost: 0, voicedUnvoicedCost: 0, ceiling: 600 });
  const spec = powerSpectra(x16, sr, { window: 400, hop: 160, frames });
  const formants = trackFormants(x11, 11000, frames, { timeStep });
  const pulses = glottalPulses(x16, sr, pitch.f0, timeStep);
  const filters = melFilters(spec.bins, spec.binHz, 26, 20, 8000);
  const data = new Float32Array(frames * DIM);
  const voiced = Uint8Array.from(pitch.f0, (f) => (f > 0 ? 1 : 0));
  let prevNorm: Float64Array | null = null;
  let pulseAt = 0;
  for (let t = 0; t < frames; t++) {
    const p = spec.power.subarray(t * spec.bins, (t + 1) * spec.bins);
    const row = data.subarray(t * DIM, (t + 1) * DIM);
    const mels = melEnergies(p, filters);
    row[0] = loudnessOf(mels);
    row[1] = 10 * Math.log10((bandEnergy(p, spec.binHz, 50, 1000) + 1e-12) / (bandEnergy(p, spec.binHz, 1000, 5000) + 1e-12));
    row[2] = 10 * Math.log10((bandMax(p, spec.binHz, 0, 2000) + 1e-12) / (bandMax(p, spec.binHz, 2000, 5000) + 1e-12));
    row[3] = spectralSlope(p, spec.binHz, 0, 500);
    row[4] = spectralSlope(p, spec.binHz, 500, 1500);
    const f0 = pitch.f0[t];
    if (f0 > 0) {
      row[5] = 12 * Math.log2(f0 / 27.5);
      // Jitter and shimmer of the periods within ±30 ms of the frame.
      const c = t * timeStep * sr;
      while (pulseAt < pulses.length && pulses[pulseAt] < c - 0.03 * sr) pulseAt++;
      const near: number[] = [];
      for (let k = pulseAt; k < pulses.length && pulses[k] <= c + 0.03 * sr; k++) near.push(pulses[k]);
      const vq = near.length >= 3 ? voiceQuality(x16, sr, near) : null;
      row[6] = vq && Number.isFinite(vq.jitterLocal) ? vq.jitterLocal : 0;
      row[7] = vq && Number.isFinite(vq.shimmerLocal) ? 20 * Math.log10(1 + vq.shimmerLocal) : 0;
      const r = Math.min(Math.max(hnrTrack.strength[t], 1e-6), 1 - 1e-6);
      row[8] = hnrTrack.strength[t] > 0 ? 10 * Math.log10(r / (1 - r)) : 0;
      const h1 = harmonicLevel(p, spec.binHz, f0);
      row[9] = h1 - harmonicLevel(p, spec.binHz, 2 * f0);
      const f3 = formants.frequency[t * 3 + 2];
      row[10] = Number.isFinite(f3) ? h1 - harmonicLevel(p, spec.binHz, f3) : 0;
      for (let k = 0; k < 3; k++) {
        const fk = formants.frequency[t * 3 + k];
        const bk = formants.bandwidth[t * 3 + k];
        if (!Number.isFinite(fk)) continue;
        row[11 + 3 * k] = fk;
        row[12 + 3 * k] = bk;
        row[13 + 3 * k] = harmonicLevel(p, spec.binHz, fk) - h1;
      }
    }
    const logMel = Float64Array.from(mels, (v) => Math.log(v + 1e-10));
    dctCoefficients(logMel, 4).forEach((v, k) => (row[20 + k] = v));
    const total = p.reduce((s, v) => s + v, 0) || 1;
    const norm = Float64Array.from(p, (v) => v / total);
    if (prevNorm) {
      let flux = 0;
      for (let k = 0; k < norm.length; k++) flux += (norm[k] - prevNorm[k]) ** 2;
      row[24] = flux;
    }
    prevNorm = norm;
  }
  return { data, frames, voiced, timeStep };
}
