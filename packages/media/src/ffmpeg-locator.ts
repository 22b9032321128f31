import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MediaError } from './media-error';

/** Where the ffmpeg/ffprobe pair came from. */
export type FfmpegSource = 'FFMPEG_PATH' | 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | 'PATH';

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
  ffmpegSource: FfmpegSource;
  ffprobeSource: 'FFPROBE_PATH' | 'beside ffmpeg' | '@ffprobe-installer/ffprobe' | 'PATH';
  /** First line of `ffmpeg -version`. */
  version: string;
}

function runs(bin: string): string | undefined {
  try {
    const r = spawnSync(bin, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 15_000 });
    return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
  } catch {
    return undefined;
  }
}

function fromPackage(name: string, key: 'path' | 'default'): string | undefined {
  try {
    const mod = require(name);
    const p = typeof mod === 'string' ? mod : (mod?.[key] ?? mod?.path);
    return typeof p === 'string' && fs.existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

let cached: FfmpegTools | undefined;

/**
 * Finds a working ffmpeg and ffprobe without manual steps: `FFMPEG_PATH`/`FFPROBE_PATH`, then
 * `ffmpeg-static` when its binary downloaded, then `@ffmpeg-installer/ffmpeg` and
 * `@ffprobe-installer/ffprobe` (binaries inside the npm tarballs), then PATH. Each candidate must
 * actually run. Cached after the first call; `refresh` looks again.
 */
export function locateFfmpeg(options: { env?: NodeJS.ProcessEnv; refresh?: boolean } = {}): FfmpegTools {
  if (cached && !options.refresh && !options.env) return cached;
  const env = options.env ?? process.env;
  const tried: string[] = [];
  const ffmpegCandidates: [FfmpegSource, string | undefined][] = [
    ['FFMPEG_PATH', env['FFMPEG_PATH']],
    ['ffmpeg-static', fromPackage('ffmpeg-static', 'default')],
    ['@ffmpeg-installer/ffmpeg', fromPackage('@ffmpeg-installer/ffmpeg', 'path')],
    ['PATH', onPath('ffmpeg', env)],
  ];
  let ffmpeg: { bin: string; source: FfmpegSource; version: string } | undefined;
  for (const [source, bin] of ffmpegCandidates) {
    if (!bin) continue;
    const version = runs(bin);
    if (version) {
      ffmpeg = { bin, source, version };
      break;
    }
    tried.push(`${source}: ${bin} does not run`);
  }
  if (!ffmpeg) {
    throw new MediaError('ffmpeg', 'no-ffmpeg', `no working ffmpeg found (${tried.join('; ') || 'none installed'}); set FFMPEG_PATH`);
  }
  const beside = path.join(path.dirname(ffmpeg.bin), process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe');
  const probeCandidates: [FfmpegTools['ffprobeSource'], string | undefined][] = [
    ['FFPROBE_PATH', env['FFPROBE_PATH']],
    ['beside ffmpeg', fs.existsSync(beside) ? beside : undefined],
    ['@ffprobe-installer/ffprobe', fromPackage('@ffprobe-installer/ffprobe', 'path')],
    ['PATH', onPath('ffprobe', env)],
  ];
  for (const [source, bin] of probeCandidates) {
    if (bin && runs(bin)) {
      const tools: FfmpegTools = { ffmpeg: ffmpeg.bin, ffprobe: bin, ffmpegSource: ffmpeg.source, ffprobeSource: source, version: ffmpeg.version };
      if (!options.env) cached = tools;
      return tools;
    }
  }
  throw new MediaError('ffprobe', 'no-ffmpeg', 'no working ffprobe found; set FFPROBE_PATH');
}
