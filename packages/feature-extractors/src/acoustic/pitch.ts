import { autocorrelation } from './spectra';

/** Boersma's (1993) autocorrelation pitch settings; the defaults are Praat's `To Pitch (ac)`. */
export interface PitchOptions {
  /** Seconds between frame centres. Default 0.01. */
  timeStep?: number;
  /** Hz. Default 75. */
  floor?: number;
  /** Hz. Default 600. */
  ceiling?: number;
  /** Window length in periods of `floor`. Default 3. */
  periodsPerWindow?: number;
  silenceThreshold?: number;
  voicingThreshold?: number;
  octaveCost?: number;
  octaveJumpCost?: number;
  voicedUnvoicedCost?: number;
  maxCandidates?: number;
}

/** Per frame: F0 (Hz, 0 when unvoiced) and the normalised autocorrelation at its period (0 when unvoiced). */
export interface PitchTrack {
  f0: Float32Array;
  /** The harmonic strength r ∈ (0, 1) of the chosen period (HNR = 10·log10(r / (1 − r))). */
  strength: Float32Array;
  timeStep: number;
}

interface Candidate {
  f: number; // 0 = unvoiced
  r: number;
  score: number;
}

const DEFAULTS: Required<PitchOptions> = {
  timeStep: 0.01,
  floor: 75,
  ceiling: 600,
  periodsPerWindow: 3,
  silenceThreshold: 0.03,
  voicingThreshold: 0.45,
  octaveCost: 0.01,
  octaveJumpCost: 0.35,
  voicedUnvoicedCost: 0.14,
  maxCandidates: 15,
};

/**
 * F0 by Boersma's method, as Praat's `To Pitch (ac)` computes it: per frame, the Hanning-windowed,
 * mean-removed signal's autocorrelation divided by the window's own; peaks between 1/ceiling and
 * 1/floor (parabolically refined) are voiced candidates scored with the octave cost, beside an
 * unvoiced candidate scored from the frame's loudness; a Viterbi path with octave-jump and
 * voicing-transition costs picks one per frame. Frame i is centred at `i · timeStep` seconds.
 */
export function trackPitch(samples: Float32Array, sampleRate: number, options: PitchOptions = {}): PitchTrack {
  const o = { ...DEFAULTS, ...options };
  const hop = o.timeStep * sampleRate;
  const frames = Math.max(1, Math.floor(samples.length / hop));
  const n = Math.round((o.periodsPerWindow / o.floor) * sampleRate);
  const minLag = Math.max(2, Math.floor(sampleRate / o.ceiling));
  const maxLag = Math.min(Math.ceil(sampleRate / o.floor), Math.floor(n / 2));
  const hann = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n));
  const rw = autocorrelation(hann, maxLag + 1);
  let globalPeak = 0;
  let mean = 0;
  for (const v of samples) mean += v;
  mean /= Math.max(1, samples.length);
  for (const v of samples) globalPeak = Math.max(globalPeak, Math.abs(v - mean));
  const candidates: Candidate[][] = [];
  const frame = new Float64Array(n);
  const period = Math.floor(sampleRate / o.floor);
  const halfPeriod = Math.floor(period / 2) + 1;
  const at = (j: number) => (j >= 0 && j < samples.length ? samples[j] : 0);
  for (let f = 0; f < frames; f++) {
    const centre = Math.round(f * hop);
    const start = centre - Math.floor(n / 2);
    // Local mean over one longest period each side; the peak of the windowed frame within half a period of the centre.
    let m = 0;
    for (let j = centre - period; j < centre + period; j++) m += at(j);
    m /= 2 * period;
    let localPeak = 0;
    for (let i = 0; i < n; i++) {
      frame[i] = (at(start + i) - m) * hann[i];
      if (Math.abs(i - n / 2) <= halfPeriod) localPeak = Math.max(localPeak, Math.abs(frame[i]));
    }
    const list: Candidate[] = [];
    const unvoicedScore = o.voicingThreshold + Math.max(0, 2 - localPeak / Math.max(globalPeak, 1e-12) / (o.silenceThreshold / (1 + o.voicingThreshold)));
    list.push({ f: 0, r: 0, score: unvoicedScore });
    // As in Praat, only frames whose whole window lies inside the signal can be voiced.
    const inside = start >= 0 && start + n <= samples.length;
    if (localPeak > 0 && inside) {
      const ac = autocorrelation(frame, maxLag + 1);
      const r = (k: number) => (ac[k] / ac[0]) / (rw[k] / rw[0]);
      const peaks: Candidate[] = [];
      for (let k = minLag; k <= maxLag; k++) {
        const a = r(k - 1);
        const b = r(k);
        const c = r(k + 1);
        if (b > a && b >= c && b > 0.5 * o.voicingThreshold) {
          const denom = a - 2 * b + c;
          const shift = denom < 0 ? (0.5 * (a - c)) / denom : 0;
          const lag = k + shift;
          let peak = b - 0.25 * (a - c) * shift;
          if (peak > 1) peak = 1 / peak; // values above 1 from short windows are reflected
          const f0 = sampleRate / lag;
          if (f0 < o.floor || f0 > o.ceiling) continue;
          // The path finder's octave cost: high frequencies favoured (periodic signals' sub-octaves score as high).
          peaks.push({ f: f0, r: peak, score: peak - o.octaveCost * Math.log2(o.ceiling / f0) });
        }
      }
      peaks.sort((x, y) => y.score - x.score);
      list.push(...peaks.slice(0, o.maxCandidates - 1));
    }
    candidates.push(list);
  }
  return viterbi(candidates, o);
}

function viterbi(candidates: Candidate[][], o: Required<PitchOptions>): PitchTrack {
  const frames = candidates.length;
  const correction = 0.01 / o.timeStep;
  const best: Float64Array[] = [];
  const back: Int32Array[] = [];
  best.push(Float64Array.from(candidates[0], (c) => c.score));
  back.push(new Int32Array(candidates[0].length).fill(-1));
  const cost = (a: Candidate, b: Candidate) => {
    if (a.f === 0 && b.f === 0) return 0;
    if (a.f === 0 || b.f === 0) return o.voicedUnvoicedCost * correction;
    return o.octaveJumpCost * Math.abs(Math.log2(a.f / b.f)) * correction;
  };
  for (let t = 1; t < frames; t++) {
    const prev = candidates[t - 1];
    const cur = candidates[t];
    const b = new Float64Array(cur.length);
    const k = new Int32Array(cur.length);
    cur.forEach((c, j) => {
      let top = -Infinity;
      let arg = 0;
      prev.forEach((p, i) => {
        const v = best[t - 1][i] - cost(p, c);
        if (v > top) {
          top = v;
          arg = i;
        }
      });
      b[j] = top + c.score;
      k[j] = arg;
    });
    best.push(b);
    back.push(k);
  }
  const f0 = new Float32Array(frames);
  const strength = new Float32Array(frames);
  let j = best[frames - 1].indexOf(Math.max(...best[frames - 1]));
  for (let t = frames - 1; t >= 0; t--) {
    const c = candidates[t][j];
    f0[t] = c.f;
    strength[t] = c.f > 0 ? c.r : 0;
    j = back[t][j];
  }
  return { f0, strength, timeStep: o.timeStep };
}
