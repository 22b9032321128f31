/**
 * Media benchmark: decode throughput and peak RSS for generated 60 s and 600 s clips (640×360,
 * 30 fps, H.264 + AAC). Each decode runs in its own process so its peak RSS is its own: memory must
 * not grow with the clip's length. Prints ONE JSON line.
 * Run: npm run bench:media
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip, locateFfmpeg, readAudio, readVideoFrames } from '@mer/media';
import { runBenchChild } from './child-process';

async function child(file: string, mode: string): Promise<void> {
  const t0 = performance.now();
  let units = 0;
  if (mode === 'audio') {
    for await (const c of readAudio(file, { sampleRate: 16000 })) units += c.samples.length / 16000;
  } else {
    const size = mode === '224' ? { width: 224, height: 224 } : {};
    for await (const b of readVideoFrames(file, { ...size, batchSize: 16 })) units += b.count;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ units, seconds, rate: units / seconds, peak_rss_mb: process.resourceUsage().maxRSS / 1024 }));
}

function runChild(file: string, mode: string) {
  return runBenchChild<{ units: number; rate: number; peak_rss_mb: number }>(__filename, [file, mode]);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bench-media-'));
  const result: Record<string, unknown> = { bench: 'media', ffmpeg: locateFfmpeg().version, ffmpeg_source: locateFfmpeg().ffmpegSource };
  try {
    for (const seconds of [60, 600]) {
      const file = path.join(dir, `clip-${seconds}s.mp4`);
      const t0 = performance.now();
      generateTestClip(file, { seconds, fps: 30, width: 640, height: 360, toneHz: 440 });
      result[`generate_${seconds}s_s`] = +((performance.now() - t0) / 1000).toFixed(1);
      const native = runChild(file, 'native');
      const small = runChild(file, '224');
      const audio = runChild(file, 'audio');
      result[`clip_${seconds}s`] = {
        frames: native.units,
        native_640x360_fps: +native.rate.toFixed(1),
        native_peak_rss_mb: +native.peak_rss_mb.toFixed(1),
        scaled_224_fps: +small.rate.toFixed(1),
        scaled_224_peak_rss_mb: +small.peak_rss_mb.toFixed(1),
        audio_16k_seconds_per_s: +audio.rate.toFixed(1),
        audio_peak_rss_mb: +audio.peak_rss_mb.toFixed(1),
      };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4]).catch((e) => (console.error(e), process.exit(1)));
else main().catch((e) => (console.error(e), process.exit(1)));
