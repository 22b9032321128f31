import { audioOnce } from './decoded-audio';
import { ffmpegRecords, inputWithRange } from './ffmpeg-process';
import { MediaError } from './media-error';
import { MediaInfo, probe } from './probe';
import { resample } from './resampler';
import { inProcessWav, readWavMono } from './wav-file';

export interface AudioOptions {
  /** Output sample rate in Hz. Default 16000 (HuBERT, VGGish); AVT-CA uses 22050. */
  sampleRate?: number;
  /** Seconds per yielded chunk. Default 10. */
  chunkSeconds?: number;
  start?: number;
  duration?: number;
  /** What a file without an audio stream gives: an error (default) or silence for its duration. */
  missingAudio?: 'error' | 'silence';
  /**
   * A probe result to reuse. Without one the file is probed for its audio only (`probe(file,
   * { audioOnly: true })`): one ffmpeg run in all, or none for a WAV.
   */
  info?: MediaInfo;
}

/** A chunk of mono float32 PCM in [−1, 1]. */
export interface AudioChunk {
  samples: Float32Array;
  sampleRate: number;
  /** Seconds from the start of the file of the first sample. */
  startTime: number;
}

/**
 * Streams a file's first audio stream as mono float32 PCM at the requested rate (channels mixed
 * down by ffmpeg), chunk by chunk: flat memory for any length. WAVs of one or two channels up to
 * 64 MB are decoded in-process (no process launched), agreeing with ffmpeg's output (wav-decoding.spec.ts).
 * Other files' audio (up to the same size as float32) is decoded once at its own rate, by the probe
 * (audio containers, `audioOnly`) or by one ffmpeg run the first time it is read (kept with `info`), and
 * resampled in-process the same way: one process per file, whatever the rates and consumers.
 */
export async function* readAudio(file: string, options: AudioOptions = {}): AsyncGenerator<AudioChunk> {
  const info = options.info ?? (await probe(file, { audioOnly: true }));
  const sampleRate = options.sampleRate ?? 16000;
  const chunkSamples = Math.max(1, Math.round((options.chunkSeconds ?? 10) * sampleRate));
  const start = options.start ?? 0;
  if (info.audio.length === 0) {
    if (options.missingAudio !== 'silence') throw new MediaError(file, 'no-audio', 'has no audio stream');
    const total = Math.round((options.duration ?? Math.max(0, info.duration - start)) * sampleRate);
    for (let done = 0; done < total; done += chunkSamples) {
      yield { samples: new Float32Array(Math.min(chunkSamples, total - done)), sampleRate, startTime: start + done / sampleRate };
    }
    return;
  }
  const wav = info.container === 'wav' ? inProcessWav(file) : null;
  // In-process: the WAV's samples (read, mixed to mono) or those the probe decoded, resampled as ffmpeg would (see resampler.ts).
  const native = wav ? { samples: readWavMono(file, wav), sampleRate: wav.sampleRate } : await audioOnce(info);
  if (native) {
    const all = native.samples;
    const first = Math.min(all.length, Math.round(start * native.sampleRate));
    const last = options.duration ? Math.min(all.length, first + Math.round(options.duration * native.sampleRate)) : all.length;
    const samples = resample(all.subarray(first, last), native.sampleRate, sampleRate);
    if (samples.length === 0) throw new MediaError(file, 'decode-failed', 'no audio samples could be decoded');
    for (let at = 0; at < samples.length; at += chunkSamples) {
      yield { samples: samples.slice(at, at + chunkSamples), sampleRate, startTime: start + at / sampleRate };
    }
    return;
  }
  const args = [
    ...inputWithRange(file, start, options.duration),
    '-map',
    '0:a:0',
    '-ac',
    '1',
    '-ar',
    String(sampleRate),
    '-f',
    'f32le',
    'pipe:1',
  ];
  let offset = 0;
  for await (const bytes of ffmpegRecords(file, args, chunkSamples * 4, { allowPartial: true })) {
    // Copy into an aligned buffer: the pipe's Buffer may start at any byte offset.
    const samples = new Float32Array(bytes.length >> 2);
    new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 4));
    yield { samples, sampleRate, startTime: start + offset / sampleRate };
    offset += samples.length;
  }
  if (offset === 0) throw new MediaError(file, 'decode-failed', 'no audio samples could be decoded');
}

/** A whole (short) file's audio as one mono Float32Array. Use {@link readAudio} for long media. */
export async function decodeAudio(file: string, options: AudioOptions = {}): Promise<{ samples: Float32Array; sampleRate: number; duration: number }> {
  const chunks: Float32Array[] = [];
  let total = 0;
  let sampleRate = options.sampleRate ?? 16000;
  for await (const c of readAudio(file, options)) {
    chunks.push(c.samples);
    total += c.samples.length;
    sampleRate = c.sampleRate;
  }
  const samples = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    samples.set(c, at);
    at += c.length;
  }
  return { samples, sampleRate, duration: total / sampleRate };
}
