/**
 * Band-limited resampling between integer rates: a Kaiser-windowed sinc (β 9, 32 taps scaled by the
 * rate ratio when downsampling, cut-off at 0.97 of the new Nyquist; none when upsampling), one exactly
 * rational polyphase bank (L = to / gcd, M = from / gcd), each phase normalised to unit gain.
 * These are the parameters of ffmpeg's default resampler (libswresample), so in-process decoding
 * agrees with the ffmpeg route (see wav-decoding.spec.ts for the measured difference).
 */
export interface ResamplerOptions {
  /** Zero crossings of the sinc on each side at the lower rate's scale. Default 32 taps in all (16 a side). */
  filterSize?: number;
  cutoff?: number;
  kaiserBeta?: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the β used). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 60; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

interface Bank {
  up: number;
  down: number;
  taps: number;
  centre: number;
  /** [up][taps] */
  phases: Float64Array[];
}

const banks = new Map<string, Bank>();

function bank(from: number, to: number, o: Required<ResamplerOptions>): Bank {
  const key = `${from}:${to}:${o.filterSize}:${o.cutoff}:${o.kaiserBeta}`;
  const cached = banks.get(key);
  if (cached) return cached;
  const g = gcd(from, to);
  const up = to / g;
  const down = from / g;
  // Downsampling cuts at `cutoff` of the new Nyquist; upsampling keeps the input's whole band (as libswresample does).
  const factor = Math.min((to * o.cutoff) / from, 1);
  const taps = Math.max(1, Math.ceil(o.filterSize / factor));
  const centre = Math.floor((taps - 1) / 2);
  const phases = Array.from({ length: up }, (_, p) => {
    const h = new Float64Array(taps);
    let norm = 0;
    for (let i = 0; i < taps; i++) {
      const d = i - centre - p / up;
      const x = Math.PI * d * factor;
      const w = (2 * d) / taps;
      h[i] = (x === 0 ? 1 : Math.sin(x) / x) * besselI0(o.kaiserBeta * Math.sqrt(Math.max(1 - w * w, 0)));
      norm += h[i];
    }
    for (let i = 0; i < taps; i++) h[i] /= norm;
    return h;
  });
  const b = { up, down, taps, centre, phases };
  banks.set(key, b);
  return b;
}

/** `samples` at `from` Hz → `to` Hz: `ceil(n · to / from)` samples, the first at the same instant as the input's first (the signal mirrored at both ends). */
export function resample(samples: Float32Array, from: number, to: number, options: ResamplerOptions = {}): Float32Array {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from > 0 && to > 0)) throw new Error(`resample: rates must be positive integers (got ${from} → ${to})`);
  if (from === to) return samples.slice();
  const b = bank(from, to, { filterSize: options.filterSize ?? 32, cutoff: options.cutoff ?? 0.97, kaiserBeta: options.kaiserBeta ?? 9 });
  const n = samples.length;
  const out = new Float32Array(Math.ceil((n * b.up) / b.down));
  for (let k = 0; k < out.length; k++) {
    const pos = k * b.down;
    const i0 = Math.floor(pos / b.up);
    const h = b.phases[pos - i0 * b.up];
    const start = i0 - b.centre;
    let s = 0;
    const lo = Math.max(0, -start);
    const hi = Math.min(b.taps, n - start);
    // The signal is mirrored at both ends, as libswresample starts and flushes: x[−j] = x[j], x[n − 1 + j] = x[n − j].
    for (let i = 0; i < lo; i++) s += h[i] * samples[Math.min(n - 1, -(start + i))];
    for (let i = lo; i < hi; i++) s += h[i] * samples[start + i];
    for (let i = Math.max(hi, lo); i < b.taps; i++) s += h[i] * samples[Math.max(0, 2 * n - 1 - (start + i))];
    out[k] = s;
  }
  return out;
}
