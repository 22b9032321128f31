import * as path from 'node:path';
import { decodeAudio, probe, resample, writeFileAtomic } from '@mer/media';

/**
 * Speed perturbation (Ko et al., "Audio Augmentation for Speech Recognition", Interspeech 2015; Kaldi's
 * and sox's `speed`): the waveform played `factor` times as fast — tempo and pitch both scale by it, the
 * duration by 1 / factor. Its samples are read as if taken at `factor · rate` and resampled to `rate`
 * with @mer/media's band-limited resampler (a 440 Hz tone at 1.1 becomes 484 Hz, 1 / 1.1 as long).
 * @param samples mono PCM at `sampleRate`
 */
export function speedPerturb(samples: Float32Array, sampleRate: number, factor: number): Float32Array {
  checkSpeedFactor(factor, 'speed perturbation');
  if (factor === 1) return samples.slice();
  return resample(samples, Math.round(sampleRate * factor), sampleRate);
}

/** Factors in [0.5, 2] with at most two decimals (the resampler's polyphase bank stays small: ≤ 100 phases at 16 kHz). */
export function checkSpeedFactor(factor: number, where: string): void {
  if (!(factor >= 0.5 && factor <= 2) || Math.abs(factor * 100 - Math.round(factor * 100)) > 1e-9) {
    throw new Error(`${where}: speed factor ${factor} is not in [0.5, 2] with at most two decimals (e.g. 0.9, 1.0, 1.1)`);
  }
}

/** `--speed 0.9,1.0,1.1` → [0.9, 1, 1.1] (checked; 1.0 is the recording itself). */
export function parseSpeedFactors(list: string): number[] {
  const factors = list.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (factors.length === 0) throw new Error(`--speed '${list}': expected factors such as 0.9,1.0,1.1`);
  for (const f of factors) checkSpeedFactor(f, `--speed '${list}'`);
  return [...new Set(factors)].sort((a, b) => a - b);
}

/**
 * A recording's audio speed-perturbed, written as a mono 32-bit float WAV at its own sample rate into
 * `dir` (what the extractors then read like any file; decoding it gives the perturbed samples exactly).
 * Only audio: a file with a video stream is refused (its frames would no longer match the audio).
 */
export async function writeSpeedPerturbed(file: string, factor: number, dir: string): Promise<string> {
  const info = await probe(file);
  if (info.video) throw new Error(`${file}: speed perturbation is for audio recordings; this file has a video stream`);
  if (info.audio.length === 0) throw new Error(`${file}: no audio stream to speed-perturb`);
  const rate = info.audio[0].sampleRate;
  const { samples } = await decodeAudio(file, { sampleRate: rate, info });
  const out = path.join(dir, `${path.basename(file, path.extname(file))}~sp${factor}.wav`);
  writeFileAtomic(out, floatWav(speedPerturb(samples, rate, factor), rate));
  return out;
}

/** A mono IEEE-float WAV (format 3, 32-bit) of `samples`. */
export function floatWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const bytes = Buffer.alloc(44 + samples.length * 4);
  bytes.write('RIFF', 0, 'latin1');
  bytes.writeUInt32LE(36 + samples.length * 4, 4);
  bytes.write('WAVEfmt ', 8, 'latin1');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(3, 20); // IEEE float
  bytes.writeUInt16LE(1, 22); // mono
  bytes.writeUInt32LE(sampleRate, 24);
  bytes.writeUInt32LE(sampleRate * 4, 28);
  bytes.writeUInt16LE(4, 32);
  bytes.writeUInt16LE(32, 34);
  bytes.write('data', 36, 'latin1');
  bytes.writeUInt32LE(samples.length * 4, 40);
  for (let i = 0; i < samples.length; i++) bytes.writeFloatLE(samples[i], 44 + i * 4);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
