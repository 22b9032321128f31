import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { locateFfmpeg } from './ffmpeg-locator';
import { MediaError } from './media-error';
import { noteLaunch } from './media-processes';
import { parseRational, Rational, rationalValue } from './rational';
import { looksAudioOnly } from './audio-container';
import { attachAudio, DecodedFile, decodeWithFacts } from './decoded-audio';
import { decodeFlac } from './flac-file';
import { inProcessWav } from './wav-file';

export interface VideoStreamInfo {
  codec: string;
  /**
   * The size the video is shown at, as a player shows it: the coded size turned by `rotation` and
   * stretched by the sample aspect ratio (anamorphic video). {@link readVideoFrames} decodes at this size
   * and aspect, upright; face boxes are in these pixels.
   */
  width: number;
  height: number;
  /** The size of the frames as stored in the stream, before rotation and sample aspect. */
  codedWidth: number;
  codedHeight: number;
  /**
   * Degrees clockwise a player turns the stored frames to show them (0, 90, 180 or 270): the stream's
   * display matrix or `rotate` tag, which phones write instead of turning the pixels.
   */
  rotation: 0 | 90 | 180 | 270;
  /** Width : height of one stored pixel (1 unless anamorphic). */
  sampleAspect: number;
  /** The real rational rate, e.g. {num: 30000, den: 1001}. */
  fpsRational: Rational;
  fps: number;
  /**
   * Frames in the stream. With `probe(file, { countFrames: true })`: its packets that decode to a
   * frame (`'packets'`: demuxed, not decoded; those an edit list discards are not counted), or with
   * `countFrames: 'decode'` the frames that decode (`'decoded'`). Else the container's count (which
   * can be off from what decodes: edit lists), else duration × fps rounded.
   */
  frameCount: number;
  frameCountSource: 'decoded' | 'packets' | 'container' | 'estimated';
  duration: number;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  sampleRate: number;
  channels: number;
  duration: number;
}

/** A file with several audio streams: which one mer decodes (always the first, `0:a:0`), or undefined. */
export function audioStreamChoiceNote(info: Pick<MediaInfo, 'audio'>): string | undefined {
  if (info.audio.length < 2) return undefined;
  const a = info.audio[0];
  return `${info.audio.length} audio streams: the first is used (${a.codec}, ${a.channels} channel${a.channels === 1 ? '' : 's'}, ${a.sampleRate} Hz)`;
}

export interface MediaInfo {
  file: string;
  container: string;
  /** Seconds. */
  duration: number;
  sizeBytes: number;
  video?: VideoStreamInfo;
  audio: AudioStreamInfo[];
}

function assertReadableFile(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new MediaError(file, 'missing-file', 'file not found');
  }
  if (!stat.isFile()) throw new MediaError(file, 'missing-file', 'not a regular file');
  if (stat.size === 0) throw new MediaError(file, 'empty-file', 'file is empty (0 bytes)');
  return stat.size;
}

/**
 * The clockwise display rotation of a stream: ffprobe's display-matrix side data (`rotation`, degrees
 * counter-clockwise) or, from older muxers, the `rotate` tag (degrees clockwise); rounded to a quarter
 * turn. A matrix that turns by another angle (rare) is not honoured: the frames stay as stored.
 */
export function displayRotation(stream: Record<string, any>): VideoStreamInfo['rotation'] {
  const matrix = (stream['side_data_list'] as Record<string, any>[] | undefined)?.find((d) => d['side_data_type'] === 'Display Matrix' && d['rotation'] !== undefined);
  const clockwise = matrix ? -Number(matrix['rotation']) : Number(stream['tags']?.['rotate'] ?? 0);
  if (!Number.isFinite(clockwise)) return 0;
  const quarter = Math.round(clockwise / 90);
  if (Math.abs(clockwise - quarter * 90) > 1) return 0;
  return ((((quarter % 4) + 4) % 4) * 90) as VideoStreamInfo['rotation'];
}

/** The displayed size: the coded size stretched by the sample aspect (to an even width), then turned. */
function displayedSize(codedWidth: number, codedHeight: number, sampleAspect: number, rotation: number): { width: number; height: number } {
  const width = sampleAspect === 1 ? codedWidth : Math.max(2, Math.round((codedWidth * sampleAspect) / 2) * 2);
  return rotation % 180 === 0 ? { width, height: codedHeight } : { width: codedHeight, height: width };
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

/** Probe options. */
export interface ProbeOptions {
  /**
   * Count the video's frames. `true`: the packets that decode to a frame, read without decoding (as
   * fast as the probe itself). They equal the decoded frames unless a packet fails to decode or holds
   * several frames; {@link readVideoFrames} given `frameCount` checks the count on the decode it
   * does anyway. `'decode'`: decode the video to count its frames (ffprobe's `-count_frames`, slower;
   * `true` under `MER_MEDIA_PROBE=ffprobe`, the route before).
   */
  countFrames?: boolean | 'decode';
  /**
   * Only the audio will be read (a plan without visual streams, `decodeAudio`): any container's facts
   * then come from the one ffmpeg run that also decodes its audio, no ffprobe. `video`, when the file has
   * one, holds the dump's facts (frame rate rounded to 0.01, count estimated); {@link readVideoFrames}
   * given such an info probes the file again with ffprobe.
   */
  audioOnly?: boolean;
}

const bannerVideo = new WeakSet<MediaInfo>();

/** Codecs of a still picture: in an audio container, its cover art (ffprobe's `attached_pic`). */
const STILL_PICTURES = new Set(['mjpeg', 'png', 'bmp', 'gif', 'tiff', 'webp']);

/** Whether `info`'s video facts are ffmpeg's dump's (rounded), not ffprobe's: see {@link ProbeOptions.audioOnly}. */
export function hasRoundedVideoFacts(info: MediaInfo): boolean {
  return bannerVideo.has(info);
}

/** The facts of one ffmpeg run (decodeWithFacts) as a probe result, the decoded audio kept with it. */
function infoFromDump(file: string, sizeBytes: number, d: DecodedFile): MediaInfo {
  const { facts, audio: pcm } = d;
  // Decoded: the length of what decodes (as a WAV's header gives it); else the container's, to 10 ms.
  const duration = pcm ? pcm.samples.length / pcm.sampleRate : (facts.duration ?? 0);
  const audio = facts.audio.map((a, i) => ({ ...a, duration: i === 0 ? duration : a.duration }));
  let video: VideoStreamInfo | undefined;
  const v = facts.video;
  if (v) {
    const fpsRational = { num: Math.round(v.fps * 100), den: 100 };
    video = {
      codec: v.codec,
      ...displayedSize(v.codedWidth, v.codedHeight, v.sampleAspect, v.rotation),
      codedWidth: v.codedWidth,
      codedHeight: v.codedHeight,
      rotation: v.rotation,
      sampleAspect: v.sampleAspect,
      fpsRational,
      fps: v.fps,
      frameCount: Math.round((facts.duration ?? 0) * v.fps),
      frameCountSource: 'estimated',
      duration: facts.duration ?? 0,
    };
  }
  if (!video && audio.length === 0) throw new MediaError(file, 'not-media', 'no video or audio stream');
  if (!(duration > 0)) throw new MediaError(file, 'empty-file', 'zero-length media (duration 0)');
  const info = attachAudio({ file, container: facts.container, duration, sizeBytes, video, audio }, pcm);
  if (video) bannerVideo.add(info);
  return info;
}

/**
 * Reads duration, real frame rate, frame count, size (as displayed: rotation and sample aspect
 * applied) and audio streams, launching at most one process:
 * - a WAV mer decodes itself: from its header, in-process (no process); a FLAC likewise (flac-file.ts),
 *   decoded whole and kept with the result;
 * - an audio container (MP3, FLAC, M4A, Ogg…; see looksAudioOnly), or any file with `audioOnly`: from
 *   the one ffmpeg run that also decodes its first audio stream at its own rate, kept with the result
 *   (readAudio/decodeAudio resample it in-process: no second process);
 * - anything else (video): with ffprobe; `countFrames` counts the video's packets (or, `'decode'`, its
 *   decoded frames: slower).
 * `MER_MEDIA_PROBE=ffprobe` asks ffprobe for every non-WAV file (the route before, for comparison).
 * Missing, empty and unreadable files are errors naming the file and the problem.
 */
export async function probe(file: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const sizeBytes = assertReadableFile(file);
  // A WAV mer decodes itself: its header says everything ffprobe would.
  const wav = inProcessWav(file);
  if (wav) {
    const duration = wav.frames / wav.sampleRate;
    if (!(duration > 0)) throw new MediaError(file, 'empty-file', 'zero-length media (duration 0)');
    return { file, container: 'wav', duration, sizeBytes, audio: [{ index: 0, codec: wav.codec, sampleRate: wav.sampleRate, channels: wav.channels, duration }] };
  }
  // A FLAC mer decodes itself: STREAMINFO gives the facts, the frames the samples (kept with the result).
  const flac = decodeFlac(file);
  if (flac) {
    const duration = flac.frames / flac.sampleRate;
    const audio = [{ index: 0, codec: 'flac', sampleRate: flac.sampleRate, channels: flac.channels, duration }];
    return attachAudio({ file, container: 'flac', duration, sizeBytes, audio }, { samples: flac.samples, sampleRate: flac.sampleRate });
  }
  const audioContainer = looksAudioOnly(file);
  if (process.env['MER_MEDIA_PROBE'] !== 'ffprobe' && (options.audioOnly || audioContainer)) {
    const d = await decodeWithFacts(file);
    // Cover art: a still picture in an audio container (ffmpeg's dump does not always say "attached pic").
    if (audioContainer && d.facts.video && STILL_PICTURES.has(d.facts.video.codec)) d.facts.video = undefined;
    // A video stream in an audio container after all, and its frames wanted: its exact facts from ffprobe.
    if (!d.facts.video || options.audioOnly) return infoFromDump(file, sizeBytes, d);
    const info = await ffprobeInfo(file, sizeBytes, options);
    return attachAudio(info, info.audio.length > 0 ? d.audio : null);
  }
  return ffprobeInfo(file, sizeBytes, options);
}

/** The packets of stream `index` that decode to a shown frame: all but those flagged D (discarded by an edit list). */
function keptPackets(packets: readonly { stream_index: number; flags?: string }[], index: number): number {
  let n = 0;
  for (const p of packets) if (p.stream_index === index && !(p.flags ?? '').includes('D')) n++;
  return n;
}

async function ffprobeInfo(file: string, sizeBytes: number, options: ProbeOptions): Promise<MediaInfo> {
  const { ffprobe } = locateFfmpeg();
  noteLaunch('ffprobe');
  const count = options.countFrames === 'decode' || (options.countFrames && process.env['MER_MEDIA_PROBE'] === 'ffprobe') ? 'decode' : options.countFrames ? 'packets' : null;
  // Packets: each one's stream and flags (a packet an edit list discards is flagged D), one line each.
  const counting = count === 'decode' ? ['-count_frames'] : count === 'packets' ? ['-show_entries', 'packet=stream_index,flags'] : [];
  const raw = await new Promise<string>((resolve, reject) => {
    execFile(
      ffprobe,
      ['-v', 'error', ...counting, '-print_format', 'json=compact=1', '-show_format', '-show_streams', file],
      { maxBuffer: 512 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new MediaError(file, 'not-media', `not a readable media file (ffprobe: ${lastLines(stderr) || err.message})`));
        else resolve(stdout);
      },
    );
  });
  const json = JSON.parse(raw) as { format?: Record<string, any>; streams?: Record<string, any>[]; packets?: { stream_index: number; flags?: string }[] };
  const streams = json.streams ?? [];
  const formatDuration = Number(json.format?.['duration']);
  const v = streams.find((s) => s['codec_type'] === 'video' && !(s['disposition']?.['attached_pic'] === 1));
  let video: VideoStreamInfo | undefined;
  if (v) {
    const fpsRational = parseRational(v['avg_frame_rate']) ?? parseRational(v['r_frame_rate']);
    if (!fpsRational) throw new MediaError(file, 'not-media', 'video stream reports no frame rate');
    const fps = rationalValue(fpsRational);
    const duration = Number(v['duration']) || formatDuration || 0;
    const nb = Number(v['nb_frames']);
    const counted = count === 'decode' ? Number(v['nb_read_frames']) : count === 'packets' ? keptPackets(json.packets ?? [], Number(v['index'])) : 0;
    const frameCountSource: VideoStreamInfo['frameCountSource'] = counted > 0 ? (count === 'decode' ? 'decoded' : 'packets') : Number.isFinite(nb) && nb > 0 ? 'container' : 'estimated';
    const [codedWidth, codedHeight] = [Number(v['width']), Number(v['height'])];
    const sar = parseRational(v['sample_aspect_ratio']?.replace(':', '/'));
    const sampleAspect = sar ? rationalValue(sar) : 1;
    const rotation = displayRotation(v);
    video = {
      codec: String(v['codec_name']),
      ...displayedSize(codedWidth, codedHeight, sampleAspect, rotation),
      codedWidth,
      codedHeight,
      rotation,
      sampleAspect,
      fpsRational,
      fps,
      frameCount: counted > 0 ? counted : frameCountSource === 'container' ? nb : Math.round(duration * fps),
      frameCountSource,
      duration,
    };
  }
  const audio: AudioStreamInfo[] = streams
    .filter((s) => s['codec_type'] === 'audio')
    .map((s) => ({
      index: Number(s['index']),
      codec: String(s['codec_name']),
      sampleRate: Number(s['sample_rate']),
      channels: Number(s['channels']),
      duration: Number(s['duration']) || formatDuration || 0,
    }));
  if (!video && audio.length === 0) throw new MediaError(file, 'not-media', 'no video or audio stream');
  const duration = formatDuration || video?.duration || audio[0]?.duration || 0;
  if (!(duration > 0)) throw new MediaError(file, 'empty-file', 'zero-length media (duration 0)');
  return { file, container: String(json.format?.['format_name'] ?? ''), duration, sizeBytes, video, audio };
}
