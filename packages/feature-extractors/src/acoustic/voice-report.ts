import { trackFormants } from './formants';
import { glottalPulses, voiceQuality } from './glottal-pulses';
import { trackPitch } from './pitch';

/** Whole-recording voice measures, each as Praat reports it (see `praat_voice.praat`). */
export interface VoiceReport {
  /** Mean F0 over voiced frames, Hz (Praat: Pitch → Get mean). */
  meanF0: number;
  voicedFrames: number;
  /** Mean HNR over voiced frames, dB (Praat: To Harmonicity (ac) → Get mean). */
  meanHnr: number;
  /** Local jitter and shimmer, fractions (Praat: PointProcess → Get jitter/shimmer (local)). */
  jitterLocal: number;
  shimmerLocal: number;
  /** Mean F1–F3 over frames where found, Hz (Praat: To Formant (burg) → Get mean). */
  meanF1: number;
  meanF2: number;
  meanF3: number;
}

/** The voice report of `x16` (16 kHz) with `x11` (the same audio at 11 kHz) for formants. */
export function voiceReport(x16: Float32Array, x11: Float32Array): VoiceReport {
  const pitch = trackPitch(x16, 16000);
  const f0 = Array.from(pitch.f0).filter((f) => f > 0);
  const h = trackPitch(x16, 16000, { periodsPerWindow: 4.5, silenceThreshold: 0.1, voicingThreshold: 0, octaveCost: 0, octaveJumpCost: 0, voicedUnvoicedCost: 0, ceiling: 8000 });
  const hnr = Array.from(h.strength)
    .filter((r) => r > 0)
    .map((r) => Math.min(r, 1 - 1e-9))
    .map((r) => 10 * Math.log10(r / (1 - r)));
  const vq = voiceQuality(x16, 16000, glottalPulses(x16, 16000, pitch.f0, pitch.timeStep));
  const formants = trackFormants(x11, 11000, pitch.f0.length);
  const formantMean = (k: number) => {
    const v: number[] = [];
    for (let t = 0; t < pitch.f0.length; t++) if (Number.isFinite(formants.frequency[t * 3 + k])) v.push(formants.frequency[t * 3 + k]);
    return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  };
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  return { meanF0: mean(f0), voicedFrames: f0.length, meanHnr: mean(hnr), jitterLocal: vq.jitterLocal, shimmerLocal: vq.shimmerLocal, meanF1: formantMean(0), meanF2: formantMean(1), meanF3: formantMean(2) };
}
