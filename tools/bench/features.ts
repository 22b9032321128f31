/**
 * Feature-extraction benchmark: face detection (BlazeFace every 5th frame, tracked between) + the
 * default face embedding, in frames per second, on the real talking clip (when ../shared/data exists)
 * and on generated clips of 60 s and (with --long) 600 s, each in its own process so peak RSS shows
 * whether memory grows with length. One JSON line.
 * Run: npm run bench:features [-- --long]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { extractFaceTrack, FaceDetector, FaceEmbedder, FaceEmbedderModel } from '@mer/feature-extractors';
import { generateTestClip } from '@mer/media';
import { runBenchChild } from './child-process';

async function child(file: string, model: FaceEmbedderModel): Promise<void> {
  await initBackend();
  const detector = await FaceDetector.load();
  const embedder = await FaceEmbedder.load(model);
  const t0 = performance.now();
  const track = await extractFaceTrack(file, detector, embedder, { detectEvery: 5 });
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ frames: track.frames, faces: track.mask.reduce((n, m) => n + m, 0), fps: track.frames / s, peak_rss_mb: process.resourceUsage().maxRSS / 1024 }));
}

function run(file: string, model: FaceEmbedderModel) {
  const out = runBenchChild<{ frames: number; faces: number; fps: number; peak_rss_mb: number }>(__filename, [file, model]);
  return { frames: out.frames, faces: out.faces, fps: +out.fps.toFixed(1), peak_rss_mb: +out.peak_rss_mb.toFixed(1) };
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = { bench: 'features', pipeline: 'BlazeFace every 5th frame + tracking, square crop, embedding' };
  const talking = path.join(__dirname, '../../../shared/data/clips/talking-utterance.mp4');
  if (fs.existsSync(talking)) {
    result['talking_10s_expression'] = run(talking, 'expression');
    result['talking_10s_faceres'] = run(talking, 'faceres');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bench-features-'));
  try {
    for (const seconds of process.argv.includes('--long') ? [60, 600] : [60]) {
      const clip = generateTestClip(path.join(dir, `clip-${seconds}.mp4`), { seconds, fps: 30, width: 640, height: 360 });
      result[`generated_${seconds}s_expression`] = run(clip, 'expression');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4] as FaceEmbedderModel).catch((e) => (console.error(e), process.exit(1)));
else main().catch((e) => (console.error(e), process.exit(1)));
