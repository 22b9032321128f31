import type { Spectrogram } from './log-mel-spectrogram';

/**
 * The `[count, bands]` window of spectrogram frames centred on time `t` (seconds); frames outside
 * the audio take `pad` (log(offset): silence).
 */
function windowAt(spec: Spectrogram, t: number, count: number, pad: number, out: Float32Array): void {
  const first = Math.round(t * spec.frameRate) - Math.floor(count / 2);
  for (let i = 0; i < count; i++) {
    const f = first + i;
    const row = out.subarray(i * spec.bands, (i + 1) * spec.bands);
    if (f < 0 || f >= spec.frames) row.fill(pad);
    else row.set(spec.data.subarray(f * spec.bands, (f + 1) * spec.bands));
  }
}

/**
 * VGGish input examples, one per video frame: the `patchFrames` × bands (96 × 64 = 0.96 s) log-mel
 * patch centred on each frame time (SPEC: 0.96 s windows, hop = 1/fps).
 * @returns [T, patchFrames, bands]
 */
export function vggishExamples(spec: Spectrogram, frameTimes: ArrayLike<number>, options: { patchFrames?: number; pad?: number } = {}): Float32Array {
  const count = options.patchFrames ?? 96;
  const pad = options.pad ?? Math.log(0.01);
  const size = count * spec.bands;
  const out = new Float32Array(frameTimes.length * size);
  for (let t = 0; t < frameTimes.length; t++) windowAt(spec, frameTimes[t], count, pad, out.subarray(t * size, (t + 1) * size));
  return out;
}

/** How a 0.96 s log-mel window becomes one vector in the offline audio encoders. */
export type LogMelPooling = 'mean-std' | 'halves';

/**
 * Offline default audio encoder (no pretrained audio network needed): per video frame, the 0.96 s
 * log-mel window centred on it pooled to `2 × bands` values — `'mean-std'`: mean and standard
 * deviation per band (stands in for VGGish's 128-d); `'halves'`: the means of the window's first and
 * second halves (keeps the temporal change; stands in for the LogMel-VGG stream).
 * @returns [T, 2·bands]
 */
export function pooledLogMel(spec: Spectrogram, frameTimes: ArrayLike<number>, pooling: LogMelPooling = 'mean-std', options: { windowFrames?: number; pad?: number } = {}): Float32Array {
  const count = options.windowFrames ?? 96;
  const pad = options.pad ?? Math.log(0.01);
  const b = spec.bands;
  const out = new Float32Array(frameTimes.length * 2 * b);
  const win = new Float32Array(count * b);
  const half = Math.floor(count / 2);
  for (let t = 0; t < frameTimes.length; t++) {
    windowAt(spec, frameTimes[t], count, pad, win);
    const row = out.subarray(t * 2 * b, (t + 1) * 2 * b);
    for (let j = 0; j < b; j++) {
      if (pooling === 'mean-std') {
        let s = 0;
        let s2 = 0;
        for (let i = 0; i < count; i++) {
          const v = win[i * b + j];
          s += v;
          s2 += v * v;
        }
        const mean = s / count;
        row[j] = mean;
        row[b + j] = Math.sqrt(Math.max(0, s2 / count - mean * mean));
      } else {
        let a = 0;
        let c = 0;
        for (let i = 0; i < half; i++) a += win[i * b + j];
        for (let i = half; i < count; i++) c += win[i * b + j];
        row[j] = a / half;
        row[b + j] = c / (count - half);
      }
    }
  }
  return out;
}

/** Frame times `index / fps` for `frames` video frames. */
export function frameTimes(frames: number, fps: number): Float64Array {
  return Float64Array.from({ length: frames }, (_, i) => i / fps);
}
