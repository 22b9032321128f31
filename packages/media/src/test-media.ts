import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { locateFfmpeg } from './ffmpeg-locator';

export interface TestClipOptions {
  seconds?: number;
  fps?: number | string;
  width?: number;
  height?: number;
  /** Sine tone in Hz, or false for a video without audio. Default 440. */
  toneHz?: number | false;
  audioSampleRate?: number;
  audioChannels?: number;
  /** false for an audio-only file. Default true. */
  video?: boolean;
  /** ffmpeg lavfi video source. Default 'testsrc'. */
  videoSource?: string;
}

/**
 * Writes a synthetic clip with ffmpeg's own test sources (a test pattern and a sine tone): media
 * for tests, benchmarks and demos that no third party made. The container follows the extension
 * (.mp4 → H.264 + AAC, .wav → PCM, .avi → MPEG-4 + PCM).
 */
export function generateTestClip(file: string, options: TestClipOptions = {}): string {
  const { ffmpeg } = locateFfmpeg();
  const seconds = options.seconds ?? 2;
  const fps = options.fps ?? 25;
  const size = `${options.width ?? 160}x${options.height ?? 120}`;
  const withVideo = options.video ?? !file.endsWith('.wav');
  const tone = options.toneHz ?? 440;
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  if (withVideo) args.push('-f', 'lavfi', '-i', `${options.videoSource ?? 'testsrc'}=size=${size}:rate=${fps}:duration=${seconds}`);
  if (tone !== false) {
    const layout = (options.audioChannels ?? 1) === 2 ? 'stereo' : 'mono';
    args.push('-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=${options.audioSampleRate ?? 48000}:duration=${seconds}`);
    if (layout === 'stereo') args.push('-ac', '2');
  }
  const ext = path.extname(file).toLowerCase();
  if (withVideo) args.push(...(ext === '.avi' ? ['-c:v', 'mpeg4'] : ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast']));
  if (tone !== false) args.push(...(ext === '.mp4' ? ['-c:a', 'aac'] : ['-c:a', 'pcm_s16le']));
  args.push(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const r = spawnSync(ffmpeg, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`generateTestClip ${file}: ffmpeg failed: ${r.stderr}`);
  return file;
}
