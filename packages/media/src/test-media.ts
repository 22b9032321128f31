import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { locateFfmpeg } from './ffmpeg-locator';
import { probe } from './probe';
import { uprightFilters } from './video-frames';

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
  /** A whole lavfi video input (overrides videoSource/size/rate), e.g. `color=c=gray:s=96x96:r=10:d=4,geq=…`. */
  videoLavfi?: string;
  /** A whole lavfi audio input (overrides toneHz), e.g. `aevalsrc=0.3*sin(2*PI*220*t):s=16000:d=4`. */
  audioLavfi?: string;
  /**
   * Variable frame rate, as phones record: frames `0 … after − 1` at `fps`, then a jump of `gap`
   * seconds, then frames `slowdown` times further apart.
   */
  variableRate?: { after: number; gap: number; slowdown: number };
}

/** The presentation time of frame `n` of a clip made with {@link TestClipOptions.variableRate}. */
export function variableRateTime(n: number, fps: number, vr: { after: number; gap: number; slowdown: number }): number {
  return n < vr.after ? n / fps : vr.after / fps + vr.gap + ((n - vr.after) * vr.slowdown) / fps;
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
  if (withVideo) args.push('-f', 'lavfi', '-i', options.videoLavfi ?? `${options.videoSource ?? 'testsrc'}=size=${size}:rate=${fps}:duration=${seconds}`);
  if (options.audioLavfi) {
    args.push('-f', 'lavfi', '-i', options.audioLavfi);
  } else if (tone !== false) {
    const layout = (options.audioChannels ?? 1) === 2 ? 'stereo' : 'mono';
    args.push('-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=${options.audioSampleRate ?? 48000}:duration=${seconds}`);
    if (layout === 'stereo') args.push('-ac', '2');
  }
  const ext = path.extname(file).toLowerCase();
  if (withVideo && options.variableRate) {
    const { after, gap, slowdown } = options.variableRate;
    const f = typeof fps === 'string' ? `(${fps})` : String(fps);
    args.push('-vf', `setpts='if(lt(N,${after}),N/${f},${after}/${f}+${gap}+(N-${after})*${slowdown}/${f})/TB'`, '-vsync', 'vfr');
  }
  if (withVideo) args.push(...(ext === '.avi' ? ['-c:v', 'mpeg4'] : ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast']));
  if (tone !== false || options.audioLavfi) args.push(...(ext === '.mp4' ? ['-c:a', 'aac'] : ['-c:a', 'pcm_s16le']));
  if (options.videoLavfi || options.audioLavfi) args.push('-shortest');
  args.push(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const r = spawnSync(ffmpeg, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`generateTestClip ${file}: ffmpeg failed: ${r.stderr}`);
  return file;
}

/**
 * Writes `source`'s video as a phone stores it: the frames turned against `rotation` and tagged with a
 * display rotation of `rotation` degrees clockwise, so a player (and {@link readVideoFrames}) shows
 * `source`'s picture again. Lossless (x264 `-qp 0`, the same 4:2:0 samples moved), so the upright
 * frames decode bit for bit as `source`'s; audio is copied. The tag's sign has changed between ffmpeg
 * versions: the one written is checked with ffprobe.
 */
export async function writeDisplayRotated(source: string, file: string, rotation: 90 | 180 | 270): Promise<string> {
  const { ffmpeg } = locateFfmpeg();
  const run = (args: string[]) => {
    const r = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`writeDisplayRotated ${file}: ffmpeg failed: ${r.stderr}`);
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const stored = `${file}.stored.mp4`;
  const turn = uprightFilters(360 - rotation);
  run(['-noautorotate', '-i', source, '-map', '0:v:0', '-map', '0:a?', '-vf', [...turn, 'format=yuv420p'].join(','), '-c:v', 'libx264', '-qp', '0', '-preset', 'ultrafast', '-c:a', 'copy', stored]);
  try {
    for (const tag of [rotation, 360 - rotation]) {
      run(['-i', stored, '-map', '0', '-c', 'copy', '-metadata:s:v:0', `rotate=${tag}`, file]);
      if ((await probe(file)).video?.rotation === rotation) return file;
    }
  } finally {
    fs.rmSync(stored, { force: true });
  }
  throw new Error(`writeDisplayRotated ${file}: this ffmpeg (${locateFfmpeg().version}) writes no display rotation ffprobe reads as ${rotation}°`);
}
