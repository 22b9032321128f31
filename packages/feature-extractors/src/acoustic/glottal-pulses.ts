/**
 * Glottal pulses of the voiced stretches of `x` (`f0` per frame of `timeStep`, 0 = unvoiced), as
 * Praat's `To PointProcess (periodic, cc)` finds them in outline: from the strongest peak in the
 * middle of a stretch, each next pulse is the position 0.8–1.25 periods on whose one-period
 * neighbourhood best cross-correlates with the current one, moved to the nearest waveform maximum;
 * then the same backwards. @returns pulse positions in samples, ascending
 */
export function glottalPulses(x: Float32Array, sampleRate: number, f0: Float32Array, timeStep: number): number[] {
  const pulses: number[] = [];
  const periodAt = (s: number) => {
    const i = Math.min(f0.length - 1, Math.max(0, Math.round(s / sampleRate / timeStep)));
    return f0[i] > 0 ? sampleRate / f0[i] : 0;
  };
  let t = 0;
  while (t < f0.length) {
    if (f0[t] === 0) {
      t++;
      continue;
    }
    let end = t;
    while (end + 1 < f0.length && f0[end + 1] > 0) end++;
    const lo = Math.max(0, Math.round((t - 0.5) * timeStep * sampleRate));
    const hi = Math.min(x.length - 1, Math.round((end + 0.5) * timeStep * sampleRate));
    const stretch = walkStretch(x, lo, hi, periodAt);
    pulses.push(...stretch);
    t = end + 1;
  }
  return pulses;
}

function peakNear(x: Float32Array, centre: number, radius: number, lo: number, hi: number, sign: number): number {
  let best = Math.max(lo, centre - radius);
  for (let i = best; i <= Math.min(hi, centre + radius); i++) if (sign * x[i] > sign * x[best]) best = i;
  return best;
}

function correlation(x: Float32Array, a: number, b: number, half: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = -half; k <= half; k++) {
    const u = x[a + k] ?? 0;
    const v = x[b + k] ?? 0;
    ab += u * v;
    aa += u * u;
    bb += v * v;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

function walkStretch(x: Float32Array, lo: number, hi: number, periodAt: (s: number) => number): number[] {
  const mid = Math.round((lo + hi) / 2);
  const T0 = periodAt(mid);
  if (!(T0 > 0) || hi - lo < T0) return [];
  // The polarity of the stretch's strongest excursion decides which peaks are pulses.
  let anchor = mid;
  for (let i = Math.max(lo, mid - Math.round(T0)); i <= Math.min(hi, mid + Math.round(T0)); i++) if (Math.abs(x[i]) > Math.abs(x[anchor])) anchor = i;
  const sign = x[anchor] >= 0 ? 1 : -1;
  const found = [anchor];
  for (const dir of [1, -1]) {
    let cur = anchor;
    for (;;) {
      const T = periodAt(cur);
      if (!(T > 0)) break;
      const half = Math.max(2, Math.round(T / 2));
      let bestPos = -1;
      let bestR = -Infinity;
      for (let p = cur + dir * Math.round(0.8 * T); dir > 0 ? p <= cur + Math.round(1.25 * T) : p >= cur - Math.round(1.25 * T); p += dir) {
        if (p - half < lo || p + half > hi) break;
        const r = correlation(x, cur, p, half);
        if (r > bestR) {
          bestR = r;
          bestPos = p;
        }
      }
      if (bestPos < 0 || bestR < 0.5) break;
      const next = peakNear(x, bestPos, Math.max(1, Math.round(T / 20)), lo, hi, sign);
      if (next === cur) break;
      found.push(next);
      cur = next;
    }
  }
  // Sub-sample pulse times: the parabola through each peak and its neighbours.
  return [...new Set(found)].sort((a, b) => a - b).map((i) => {
    const a = sign * (x[i - 1] ?? x[i]);
    const b = sign * x[i];
    const c = sign * (x[i + 1] ?? x[i]);
    const d = a - 2 * b + c;
    return d < 0 ? i + (0.5 * (a - c)) / d : i;
  });
}

/** Jitter and shimmer of a run of pulses, with Praat's period limits (0.1–20 ms, neighbours within × 1.3). */
export interface VoiceQuality {
  /** Local jitter: mean |Tᵢ − Tᵢ₋₁| over the mean period (fraction). */
  jitterLocal: number;
  /** Local shimmer: mean |Aᵢ − Aᵢ₋₁| over the mean amplitude (fraction). */
  shimmerLocal: number;
  periods: number;
}

/** Praat's `Get jitter (local)` / `Get shimmer (local)` over `pulses` (samples): periods 0.1–20 ms, neighbours within × 1.3, amplitudes within × 1.6. NaN when too few periods. */
export function voiceQuality(x: Float32Array, sampleRate: number, pulses: readonly number[], limits = { shortest: 0.0001, longest: 0.02, factor: 1.3, amplitudeFactor: 1.6 }): VoiceQuality {
  const ok = (T: number) => T >= limits.shortest && T <= limits.longest;
  const periods: number[] = [];
  const amps: number[] = [];
  for (let i = 1; i < pulses.length; i++) {
    const T = (pulses[i] - pulses[i - 1]) / sampleRate;
    periods.push(T);
    let peak = 0;
    for (let k = Math.ceil(pulses[i - 1]); k < pulses[i]; k++) peak = Math.max(peak, Math.abs(x[k]));
    amps.push(peak);
  }
  let dT = 0;
  let nT = 0;
  let sumT = 0;
  let nSum = 0;
  let dA = 0;
  let nA = 0;
  let sumA = 0;
  for (let i = 0; i < periods.length; i++) {
    if (!ok(periods[i])) continue;
    sumT += periods[i];
    sumA += amps[i];
    nSum++;
    if (i > 0 && ok(periods[i - 1])) {
      const ratio = Math.max(periods[i], periods[i - 1]) / Math.min(periods[i], periods[i - 1]);
      if (ratio <= limits.factor) {
        dT += Math.abs(periods[i] - periods[i - 1]);
        nT++;
        if (Math.max(amps[i], amps[i - 1]) <= limits.amplitudeFactor * Math.min(amps[i], amps[i - 1])) {
          dA += Math.abs(amps[i] - amps[i - 1]);
          nA++;
        }
      }
    }
  }
  return {
    jitterLocal: nT > 0 && nSum > 0 ? dT / nT / (sumT / nSum) : NaN,
    shimmerLocal: nA > 0 && nSum > 0 ? dA / nA / (sumA / nSum) : NaN,
    periods: nSum,
  };
}
