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
import * as tf from '@tensorflow/tfjs-core';
import {
  extractFaceTrack,
  FaceDetector,
  FaceEmbedder,
  FaceEmbedderModel,
  frameTimes,
  HubAudioEncoder,
  HubImageEncoder,
  HubTextEncoder,
  LogMelSpectrogram,
  logMelOfFile,
  Mfcc,
  pooledLogMel,
} from '@mer/feature-extractors';
import { decodeAudio, generateTestClip } from '@mer/media';
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

/** Audio seconds per second for the log-mel front end, pooled log-mel features and MFCC (60 s tone). */
async function audio(dir: string) {
  const clip = generateTestClip(path.join(dir, 'audio-60.wav'), { seconds: 60, toneHz: 440, audioSampleRate: 16000 });
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return +(60 / ((performance.now() - t0) / 1000)).toFixed(0);
  };
  const spec = await logMelOfFile(clip);
  const pcm16 = (await decodeAudio(clip)).samples;
  const pcm22 = (await decodeAudio(clip, { sampleRate: 22050 })).samples;
  return {
    logmel_streamed_from_file: await time(() => logMelOfFile(clip)),
    logmel_in_memory: await time(() => new LogMelSpectrogram().compute(pcm16)),
    pooled_logmel_per_frame_30fps: await time(async () => pooledLogMel(spec, frameTimes(1800, 30))),
    mfcc_22khz: await time(() => new Mfcc().compute(pcm22)),
  };
}

/** The transformers.js loading path with the tiny test models (runtime overhead, not real-model speed). */
async function tinyHub(dir: string) {
  await initBackend();
  const models = path.join(__dirname, '../../packages/feature-extractors/src/fixtures/hub-models');
  const img = await HubImageEncoder.fromPretrained(path.join(models, 'tiny-swin'));
  const crops = tf.zeros([16, 64, 64, 3]) as tf.Tensor4D;
  let t0 = performance.now();
  for (let i = 0; i < 10; i++) (await img.embed(crops)).dispose();
  const cropsPerS = 160 / ((performance.now() - t0) / 1000);
  crops.dispose();
  img.dispose();
  const txt = await HubTextEncoder.fromPretrained(path.join(models, 'tiny-roberta'));
  t0 = performance.now();
  for (let i = 0; i < 20; i++) await txt.encode(Array.from({ length: 16 }, () => 'hello there i am so happy today'));
  const segmentsPerS = 320 / ((performance.now() - t0) / 1000);
  txt.dispose();
  const aud = await HubAudioEncoder.fromPretrained(path.join(models, 'tiny-hubert'));
  const wav = generateTestClip(path.join(dir, 'hub-60.wav'), { seconds: 60, toneHz: 300, audioSampleRate: 16000 });
  t0 = performance.now();
  await aud.encodeFile(wav, Float64Array.from({ length: 1800 }, (_, i) => i / 30), 30);
  const audioPerS = 60 / ((performance.now() - t0) / 1000);
  aud.dispose();
  return { image_crops_per_s: +cropsPerS.toFixed(0), text_segments_per_s: +segmentsPerS.toFixed(0), audio_s_per_s: +audioPerS.toFixed(0) };
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
    result['audio_seconds_per_second'] = await audio(dir);
    result['tiny_transformers_js_models'] = await tinyHub(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4] as FaceEmbedderModel).catch((e) => (console.error(e), process.exit(1)));
else main().catch((e) => (console.error(e), process.exit(1)));
