import { AcousticLlds, EGEMAPS_LLD_NAMES, VOICED_LLDS } from './egemaps-llds';

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
const std = (v: number[]) => {
  const m = mean(v);
  return v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) : 0;
};
/** Coefficient of variation: std / |mean| (0 where the mean is 0). */
const cv = (v: number[]) => (Math.abs(mean(v)) > 1e-12 ? std(v) / Math.abs(mean(v)) : 0);
const percentile = (v: number[], q: number) => {
  if (!v.length) return 0;
  const s = [...v].sort((a, b) => a - b);
  const x = q * (s.length - 1);
  const i = Math.floor(x);
  return s[i] + (s[Math.min(i + 1, s.length - 1)] - s[i]) * (x - i);
};

/** Runs of `flags` equal to `value`, as lengths (frames). */
function runs(flags: Uint8Array, value: number): number[] {
  const out: number[] = [];
  let n = 0;
  for (const f of flags) {
    if (f === value) n++;
    else if (n > 0) {
      out.push(n);
      n = 0;
    }
  }
  if (n > 0) out.push(n);
  return out;
}

/** Slopes (per second) of the rising and of the falling parts of a contour within voiced runs. */
function slopes(x: number[], ok: boolean[], timeStep: number): { rising: number[]; falling: number[] } {
  const rising: number[] = [];
  const falling: number[] = [];
  for (let i = 1; i < x.length; i++) {
    if (!ok[i] || !ok[i - 1]) continue;
    const d = (x[i] - x[i - 1]) / timeStep;
    if (d > 0) rising.push(d);
    else if (d < 0) falling.push(d);
  }
  return { rising, falling };
}

/**
 * eGeMAPS-style functionals of a recording's LLDs: for F0 (semitones, voiced frames) and loudness
 * the mean, coefficient of variation, 20th/50th/80th percentiles, the 20–80 range and the mean and
 * std of rising and of falling slopes; for the other voice-source descriptors mean and CV over
 * voiced frames; for the spectral balance descriptors mean and CV over voiced frames and the mean
 * over unvoiced ones; for MFCC 1–4 and flux mean and CV; and the temporal set: loudness peaks per
 * second, voiced segments per second, mean/std of voiced and of unvoiced segment lengths, and the
 * equivalent sound level. Names come with the values.
 */
export function egemapsFunctionals(l: AcousticLlds): { names: string[]; values: Float32Array } {
  const names: string[] = [];
  const values: number[] = [];
  const add = (name: string, v: number) => {
    names.push(name);
    values.push(Number.isFinite(v) ? v : 0);
  };
  const col = (k: number) => Array.from({ length: l.frames }, (_, t) => l.data[t * EGEMAPS_LLD_NAMES.length + k]);
  const voicedIdx = (v: number[]) => v.filter((_, t) => l.voiced[t]);
  const unvoicedIdx = (v: number[]) => v.filter((_, t) => !l.voiced[t]);
  EGEMAPS_LLD_NAMES.forEach((name, k) => {
    const all = col(k);
    if (name === 'F0semitoneFrom27.5Hz' || name === 'loudness') {
      const v = name === 'loudness' ? all : voicedIdx(all);
      add(`${name}_mean`, mean(v));
      add(`${name}_cv`, cv(v));
      const [p20, p50, p80] = [0.2, 0.5, 0.8].map((q) => percentile(v, q));
      add(`${name}_p20`, p20);
      add(`${name}_p50`, p50);
      add(`${name}_p80`, p80);
      add(`${name}_range20-80`, p80 - p20);
      const s = slopes(all, all.map((_, t) => name === 'loudness' || l.voiced[t] === 1), l.timeStep);
      add(`${name}_risingSlope_mean`, mean(s.rising));
      add(`${name}_risingSlope_std`, std(s.rising));
      add(`${name}_fallingSlope_mean`, mean(s.falling));
      add(`${name}_fallingSlope_std`, std(s.falling));
    } else if (VOICED_LLDS.has(name)) {
      const v = voicedIdx(all);
      add(`${name}_mean`, mean(v));
      add(`${name}_cv`, cv(v));
    } else if (['alphaRatio', 'hammarbergIndex', 'slope0-500', 'slope500-1500'].includes(name)) {
      add(`${name}_voiced_mean`, mean(voicedIdx(all)));
      add(`${name}_voiced_cv`, cv(voicedIdx(all)));
      add(`${name}_unvoiced_mean`, mean(unvoicedIdx(all)));
    } else {
      add(`${name}_mean`, mean(all));
      add(`${name}_cv`, cv(all));
    }
  });
  const seconds = Math.max(l.frames * l.timeStep, 1e-3);
  const loud = col(0);
  let peaks = 0;
  for (let t = 1; t + 1 < loud.length; t++) if (loud[t] > loud[t - 1] && loud[t] >= loud[t + 1] && loud[t] > mean(loud)) peaks++;
  const voicedRuns = runs(l.voiced, 1).map((n) => n * l.timeStep);
  const unvoicedRuns = runs(l.voiced, 0).map((n) => n * l.timeStep);
  add('loudnessPeaksPerSec', peaks / seconds);
  add('VoicedSegmentsPerSec', voicedRuns.length / seconds);
  add('MeanVoicedSegmentLengthSec', mean(voicedRuns));
  add('StddevVoicedSegmentLengthSec', std(voicedRuns));
  add('MeanUnvoicedSegmentLength', mean(unvoicedRuns));
  add('StddevUnvoicedSegmentLength', std(unvoicedRuns));
  add('equivalentSoundLevel_dBp', 10 * Math.log10(mean(loud.map((v) => v * v)) + 1e-12));
  return { names, values: Float32Array.from(values) };
}
