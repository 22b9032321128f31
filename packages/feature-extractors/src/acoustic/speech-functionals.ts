import { egemapsFunctionals } from './egemaps-functionals';
import { AcousticLlds, EGEMAPS_LLD_NAMES, VOICED_LLDS } from './egemaps-llds';
import { MFCC_DELTAS_DEFAULTS, mfccDeltaNames, mfccDeltas } from './mfcc-deltas';
import { UtteranceStatistic, utteranceStatistics } from './utterance-statistics';

/** Statistics of each eGeMAPS descriptor, and of each MFCC/Δ/ΔΔ column. */
export const LLD_STATISTICS: readonly UtteranceStatistic[] = ['mean', 'std', 'p20', 'p50', 'p80', 'range20-80', 'slope'];
export const CEPSTRAL_STATISTICS: readonly UtteranceStatistic[] = ['mean', 'std'];

/** Frames quieter than this loudness (eGeMAPS units) or frame energy are digital silence (zero padding) and left out. */
export const SILENT_LOUDNESS = 1e-3;
export const SILENT_ENERGY = 1e-10;

/** 77 eGeMAPS functionals + 25 descriptors × 7 statistics + 42 cepstral columns × 2 = 336. */
export const SPEECH_FUNCTIONALS_DIM = 77 + EGEMAPS_LLD_NAMES.length * LLD_STATISTICS.length + mfccDeltaNames().length * CEPSTRAL_STATISTICS.length;

/**
 * Utterance-level functionals of a recording for small-data speech emotion recognition:
 * 1. the 77 eGeMAPS functionals ({@link egemapsFunctionals}: F0 and loudness percentiles, ranges and
 *    rising/falling slopes, voiced/unvoiced segment statistics, …);
 * 2. each of the 25 eGeMAPS descriptors' mean, std, 20/50/80th percentiles, 20–80 range and slope
 *    over time, over voiced frames for the voice-source descriptors (F0 … F3 amplitude) and over
 *    sounding frames (loudness above {@link SILENT_LOUDNESS}) for the others;
 * 3. the mean and std of MFCC 0–12, log energy and their Δ and ΔΔ ({@link mfccDeltas}) over sounding
 *    frames (energy above {@link SILENT_ENERGY}).
 * @param llds the recording's eGeMAPS descriptors
 * @param x16 the same recording at 16 kHz, mono
 */
export function speechFunctionals(llds: AcousticLlds, x16: Float32Array): { names: string[]; values: Float32Array } {
  const egemaps = egemapsFunctionals(llds);
  const dim = EGEMAPS_LLD_NAMES.length;
  const sounding = Uint8Array.from({ length: llds.frames }, (_, t) => (llds.data[t * dim] > SILENT_LOUDNESS ? 1 : 0));
  const lld = utteranceStatistics(llds.data, llds.frames, EGEMAPS_LLD_NAMES, LLD_STATISTICS, {
    timeStep: llds.timeStep,
    valid: (d) => (VOICED_LLDS.has(EGEMAPS_LLD_NAMES[d]) ? llds.voiced : sounding),
  });
  const cep = mfccDeltas(x16, MFCC_DELTAS_DEFAULTS);
  const loud = Uint8Array.from(cep.energy, (e) => (e > SILENT_ENERGY ? 1 : 0));
  const cepstral = utteranceStatistics(cep.data, cep.frames, mfccDeltaNames(), CEPSTRAL_STATISTICS, { timeStep: MFCC_DELTAS_DEFAULTS.hop, valid: () => loud });
  const names = [...egemaps.names, ...lld.names.map((n) => `lld_${n}`), ...cepstral.names];
  const values = Float32Array.from([...egemaps.values, ...lld.values, ...cepstral.values], (v) => (Number.isFinite(v) ? v : 0));
  return { names, values };
}
