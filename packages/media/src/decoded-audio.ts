import { BannerFacts, parseFfmpegBanner } from './ffmpeg-banner';
import { ffmpegRecords } from './ffmpeg-process';
import { MediaError } from './media-error';
import type { MediaInfo } from './probe';
import { WAV_IN_PROCESS_MAX_BYTES } from './wav-file';

/** A file's first audio stream decoded once: mono float32 at the stream's own rate. */
export interface NativeAudio {
  samples: Float32Array;
  sampleRate: number;
}

/** The facts of a file and, unless it was too long to hold, its decoded audio: one ffmpeg run. */
export interface DecodedFile {
  facts: BannerFacts;
  /** Null when the file has no audio stream, or its audio is over {@link WAV_IN_PROCESS_MAX_BYTES} as float32. */
  audio: NativeAudio | null;
}

const decoded = new WeakMap<MediaInfo, NativeAudio>();

/** Keeps `audio` with `info`: readAudio/decodeAudio given this `info` resample it in-process. */
export function attachAudio(info: MediaInfo, audio: NativeAudio | null): MediaInfo {
  if (audio) decoded.set(info, audio);
  return info;
}

/** The audio decoded with `info` by the probe that made it, if any. */
export function attachedAudio(info: MediaInfo): NativeAudio | undefined {
  return decoded.get(info);
}

const decoding = new WeakMap<MediaInfo, Promise<NativeAudio | null>>();

/**
 * The first audio stream of a probed file (ffprobe's facts: a video) at its own rate, decoded by one
 * ffmpeg run the first time any consumer asks and kept with `info` for the others (other rates, other
 * extractors); null when it would be over the in-process limit (then each consumer streams it).
 */
export function audioOnce(info: MediaInfo): Promise<NativeAudio | null> {
  const known = decoded.get(info);
  if (known) return Promise.resolve(known);
  const a = info.audio[0];
  if (!a || process.env['MER_MEDIA_PROBE'] === 'ffprobe' || info.duration * Math.max(a.sampleRate, 8000) * 4 > WAV_IN_PROCESS_MAX_BYTES) return Promise.resolve(null);
  let p = decoding.get(info);
  if (!p) {
    p = decodeWithFacts(info.file).then((d) => (attachAudio(info, d.audio), d.audio));
    decoding.set(info, p);
  }
  return p;
}

const RECORD_BYTES = 1 << 18;

/**
 * One ffmpeg run for a file that needs no ffprobe: its input dump (log level info) gives the facts, and
 * its first audio stream (`0:a:0`) comes out mixed to mono by ffmpeg (`-ac 1`, as before) at the stream's
 * own rate, to be resampled in-process per consumer (resampler.ts, as for WAVs). Audio over the in-process
 * limit is not kept: the run stops once it is known (readAudio then streams it through ffmpeg). A file
 * ffmpeg cannot open is `not-media`, one whose audio fails to decode `decode-failed`, each naming the file.
 */
export async function decodeWithFacts(file: string): Promise<DecodedFile> {
  const lines: string[] = [];
  const args = ['-i', file, '-map', '0:a:0', '-ac', '1', '-c:a', 'pcm_f32le', '-f', 'f32le', 'pipe:1'];
  const chunks: Buffer[] = [];
  let bytes = 0;
  let tooLong = false;
  let failure: MediaError | null = null;
  try {
    for await (const record of ffmpegRecords(file, args, RECORD_BYTES, { allowPartial: true, readAhead: 8, onInfo: (l) => lines.push(l) })) {
      chunks.push(record);
      bytes += record.length;
      const f = bytes > RECORD_BYTES ? parseFfmpegBanner(lines) : null;
      const expected = f?.duration && f.outputSampleRate ? f.duration * f.outputSampleRate * 4 : 0;
      if (bytes > WAV_IN_PROCESS_MAX_BYTES || expected > WAV_IN_PROCESS_MAX_BYTES) {
        tooLong = true;
        break; // stops ffmpeg
      }
    }
  } catch (e) {
    if (!(e instanceof MediaError) || e.reason === 'no-ffmpeg') throw e;
    failure = e;
  }
  const facts = parseFfmpegBanner(lines);
  if (!facts) {
    const why = failure ? failure.message.replace(/^.*?ffmpeg exited with -?\d+: /, '') : 'ffmpeg printed no stream list';
    throw new MediaError(file, 'not-media', `not a readable media file (ffmpeg: ${why})`);
  }
  if (facts.audio.length === 0) return { facts, audio: null };
  if (failure) throw failure;
  if (tooLong || !facts.outputSampleRate) return { facts, audio: null };
  const samples = new Float32Array(bytes >> 2);
  const view = new Uint8Array(samples.buffer);
  let at = 0;
  for (const c of chunks) {
    view.set(c.subarray(0, Math.min(c.length, view.length - at)), at);
    at += c.length;
  }
  return { facts, audio: { samples, sampleRate: facts.outputSampleRate } };
}
