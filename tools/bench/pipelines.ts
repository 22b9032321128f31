/**
 * Pipeline benchmarks, one JSON line each:
 * - `predict`: end-to-end `mer predict` (decode → BlazeFace + tracking → expression embedding →
 *   log-mel → MAVEN-lite / TCN-fusion-lite → CSV) real-time factor = video seconds per wall second,
 *   and peak RSS, on the real 10 s talking clip (when ../shared/data exists; with 1 and 2 processes,
 *   `--workers`, interleaved, three runs each, medians — peak RSS is the main process's, the face
 *   process's own is not in it) and on generated clips
 *   of 60 s and (with --long) 600 s (no face in them: detection every 5th frame finds none, so no
 *   embedding runs). Each prediction runs in its own process.
 * - `audio`: audio seconds per second for the log-mel front end (streamed from a file), pooled
 *   log-mel features and MFCC.
 * - `train`: training throughput (samples/s: windows or clips per second, forward + backward +
 *   optimiser) per pipeline and preset on random features of the real widths.
 * - `analyze`: `mer analyze` (the shipped expression model, every frame classified, one face) real-time
 *   factor and peak RSS on the real talking clip (1 and 2 processes, interleaved, three runs each,
 *   medians) and, in one process, on a generated clip of a real face (the portrait
 *   in human's FaceID screenshot, looped, 640×360, 10 fps, with a tone) of 60 s and (with --long) 600 s.
 * Run: npm run bench:pipelines [-- --long] [-- --analyze-only | --predict-only]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend } from '@mer/backend';
import { frameTimes, LogMelSpectrogram, logMelOfFile, Mfcc, PipelineExtractor, pooledLogMel } from '@mer/feature-extractors';
import { execFileSync } from 'node:child_process';
import { decodeAudio, generateTestClip, locateFfmpeg, probe } from '@mer/media';
import { analyze, extractDataset, generateVaDemo, networkRecipe, PipelineModel, predictFiles, trainModel, trainingConfig, trainRun, BatchSource, TrainingBatch } from '@mer/pipelines';
import { runBenchChild } from './child-process';

async function childPredict(run: string, file: string, out: string, workers: number): Promise<void> {
  const info = await probe(file);
  const t0 = performance.now();
  const {
    predictions: [pred],
  } = await predictFiles({ run, files: [file], out, workers });
  const s = (performance.now() - t0) / 1000;
  const frames = pred.task === 'va' ? pred.frameCount : 0;
  console.log(JSON.stringify({ seconds: s, video_seconds: info.duration, frames, peak_rss_mb: process.resourceUsage().maxRSS / 1024 }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Measured = { wall_s: number; rtf: number; peak_rss_mb: number };

/** One and two processes per video, interleaved, three runs each: the medians, and every run's RTF. */
function oneVsTwo<R extends Measured>(measure: (workers: number) => R): Record<string, R & { rtfs: number[] }> {
  const runs: Record<number, R[]> = { 1: [], 2: [] };
  for (let k = 0; k < 3; k++) for (const w of [1, 2]) runs[w].push(measure(w));
  const out: Record<string, R & { rtfs: number[] }> = {};
  for (const w of [1, 2]) out[`${w}proc`] = { ...runs[w][0], wall_s: median(runs[w].map((r) => r.wall_s)), rtf: median(runs[w].map((r) => r.rtf)), peak_rss_mb: median(runs[w].map((r) => r.peak_rss_mb)), rtfs: runs[w].map((r) => r.rtf) };
  return out;
}

async function childAnalyze(file: string, out: string, workers: number): Promise<void> {
  const info = await probe(file);
  const t0 = performance.now();
  const r = await analyze([file], { out, workers });
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ seconds: s, video_seconds: info.duration, frames: r.files[0].frames, face_frames: r.files[0].faceFrames, peak_rss_mb: process.resourceUsage().maxRSS / 1024 }));
}

/** A clip of a real face: human's FaceID portrait (MIT), looped, centred on 640×360, with a 220 Hz tone. */
function faceClip(file: string, seconds: number): string {
  const portrait = path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/screenshot-faceid.jpg');
  const filter = '[0]crop=160:160:4:132,scale=240:240,pad=640:360:200:60,format=yuv420p[v]';
  execFileSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-y', '-loop', '1', '-framerate', '10', '-i', portrait, '-f', 'lavfi', '-i', `sine=frequency=220:sample_rate=16000:duration=${seconds}`, '-filter_complex', filter, '-map', '[v]', '-map', '1:a', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', file]);
  return file;
}

function analyzeBench(file: string, out: string, workers = 1) {
  const r = runBenchChild<{ seconds: number; video_seconds: number; frames: number; face_frames: number; peak_rss_mb: number }>(__filename, ['analyze', file, out, String(workers)]);
  return { frames: r.frames, face_frames: r.face_frames, video_s: +r.video_seconds.toFixed(2), wall_s: +r.seconds.toFixed(1), rtf: +(r.video_seconds / r.seconds).toFixed(2), peak_rss_mb: +r.peak_rss_mb.toFixed(0) };
}

async function prepareRun(pipeline: string, dir: string): Promise<string> {
  const items = generateVaDemo({ dir: path.join(dir, 'data'), train: 3, test: 1, seconds: 3 });
  const features = path.join(dir, `features-${pipeline}`);
  await extractDataset({ pipeline, dataset: 'demo', out: features, items, extractor: { faces: 'detect' } });
  const run = path.join(dir, `run-${pipeline}`);
  await trainRun({ features, out: run, preset: 'lite', training: { epochs: 1, batchSize: 2, learningRate: 1e-3, window: { size: 16, hop: 8 } } });
  return run;
}

function predictBench(run: string, file: string, out: string, workers = 1) {
  const r = runBenchChild<{ seconds: number; video_seconds: number; frames: number; peak_rss_mb: number }>(__filename, ['predict', run, file, out, String(workers)]);
  return { frames: r.frames, video_s: +r.video_seconds.toFixed(2), wall_s: +r.seconds.toFixed(1), rtf: +(r.video_seconds / r.seconds).toFixed(2), peak_rss_mb: +r.peak_rss_mb.toFixed(0) };
}

async function audioBench(dir: string) {
  const clip = generateTestClip(path.join(dir, 'audio-60.wav'), { seconds: 60, toneHz: 440, audioSampleRate: 16000 });
  let t0 = performance.now();
  const spec = await logMelOfFile(clip);
  const logMelS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  pooledLogMel(spec, frameTimes(60 * 30, 30), 'mean-std');
  const pooledS = (performance.now() - t0) / 1000;
  const pcm = (await decodeAudio(clip, { sampleRate: 22050 })).samples;
  t0 = performance.now();
  await new Mfcc().compute(pcm);
  const mfccS = (performance.now() - t0) / 1000;
  const inMemory = (await decodeAudio(clip)).samples;
  t0 = performance.now();
  await new LogMelSpectrogram().compute(inMemory);
  const logMelMemS = (performance.now() - t0) / 1000;
  return {
    logmel_file_audio_s_per_s: +(60 / logMelS).toFixed(0),
    logmel_in_memory_audio_s_per_s: +(60 / logMelMemS).toFixed(0),
    pooled_logmel_30fps_audio_s_per_s: +(60 / pooledS).toFixed(0),
    mfcc_audio_s_per_s: +(60 / mfccS).toFixed(0),
  };
}

class RandomBatches implements BatchSource {
  constructor(
    private readonly shapes: Record<string, [number, number]>,
    private readonly batches_: number,
    private readonly batchSize: number,
    private readonly task: 'va' | 'classification',
    private readonly classes = 8,
  ) {}
  get size(): number {
    return this.batches_ * this.batchSize;
  }
  *batches(): Generator<TrainingBatch> {
    const rng = createRng(1);
    for (let b = 0; b < this.batches_; b++) {
      const features: Record<string, tf.Tensor3D> = {};
      for (const [m, [t, d]] of Object.entries(this.shapes)) features[m] = tf.randomNormal([this.batchSize, t, d], 0, 1, 'float32', rng.int(1e6)) as tf.Tensor3D;
      const T = Object.values(this.shapes)[0][0];
      const frameLabels = this.task === 'va' ? (tf.randomUniform([this.batchSize, T, 2], -1, 1, 'float32', rng.int(1e6)) as tf.Tensor3D) : undefined;
      const classLabels = this.task === 'classification' ? tf.tensor1d(Array.from({ length: this.batchSize }, () => rng.int(this.classes)), 'int32') : undefined;
      const mask = this.task === 'va' ? tf.ones([this.batchSize, T]) as tf.Tensor2D : undefined;
      yield { features, frameLabels, classLabels, mask, ids: [], dispose: () => tf.dispose([...Object.values(features), frameLabels, classLabels, mask].filter((x) => x !== undefined) as tf.Tensor[]) };
    }
  }
}

async function trainBench(dir: string) {
  const rows: Record<string, unknown>[] = [];
  const streams = (pipeline: string) => PipelineExtractor.create(networkRecipe(pipeline), { faces: 'none' }).then((e) => { const s = e.streams; e.dispose(); return s; });
  const cases: { pipeline: string; preset: string; shapes: Record<string, [number, number]>; batchSize: number; batches: number }[] = [
    { pipeline: 'maven', preset: 'lite', shapes: { visual: [64, 256], audio: [64, 153], text: [64, 256] }, batchSize: 16, batches: 4 },
    { pipeline: 'tcn-fusion', preset: 'lite', shapes: { visual: [300, 256], vggish: [300, 153], logmel: [300, 128] }, batchSize: 16, batches: 2 },
    { pipeline: 'tcn-fusion', preset: 'paper', shapes: { visual: [300, 256], vggish: [300, 153], logmel: [300, 128] }, batchSize: 16, batches: 1 },
    { pipeline: 'avt-ca', preset: 'lite', shapes: { video: [15, 256], audio: [156, 10] }, batchSize: 8, batches: 8 },
    { pipeline: 'avt-ca', preset: 'features', shapes: { video: [15, 256], audio: [156, 10] }, batchSize: 8, batches: 4 },
  ];
  for (const c of cases) {
    const recipe = networkRecipe(c.pipeline);
    const model = PipelineModel.create(recipe, c.preset, await streams(c.pipeline), { numClasses: 8, seed: 1 });
    const task = recipe.task;
    const config = trainingConfig(recipe, { epochs: 2, batchSize: c.batchSize, window: null, scheduler: { kind: 'none' } });
    const history = await trainModel(model, new RandomBatches(c.shapes, c.batches, c.batchSize, task), config, { runDir: path.join(dir, `train-${c.pipeline}-${c.preset}`) });
    // Epoch 2 (warm: kernels compiled, optimiser slots created); its seconds include the checkpoint write.
    const s = history[1].seconds;
    rows.push({ pipeline: c.pipeline, preset: c.preset, params: model.parameterCount(), batch: c.batchSize, frames: Object.values(c.shapes)[0][0], samples_per_s: +((c.batches * c.batchSize) / s).toFixed(2), epoch_s: +s.toFixed(2) });
    model.dispose();
  }
  rows.push({ pipeline: 'maven', preset: 'paper', note: 'not measured: 183 M parameters + AdamW slots exceed the wasm heap (4 GB) in training; see bench:models for forward+backward per batch' });
  return rows;
}

async function main(): Promise<void> {
  await initBackend();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bench-pipelines-'));
  try {
    const talking = path.join(__dirname, '../../../shared/data/clips/talking-utterance.mp4');
    const analyzed: Record<string, unknown> = process.argv.includes('--predict-only') ? {} : { bench: 'pipelines-analyze', note: 'mer analyze, one bench process per run: BlazeFace every 5th frame (the default), every frame classified; rtf = video seconds per wall second (model loading included)' };
    if (!process.argv.includes('--predict-only')) {
      if (fs.existsSync(talking)) {
        for (const [k, v] of Object.entries(oneVsTwo((w) => analyzeBench(talking, path.join(dir, 'out'), w)))) analyzed[`talking_10s_${k}`] = v;
      }
      for (const seconds of process.argv.includes('--long') ? [60, 600] : [60]) analyzed[`face_${seconds}s`] = analyzeBench(faceClip(path.join(dir, `face-${seconds}.mp4`), seconds), path.join(dir, 'out'));
      console.log(JSON.stringify(analyzed));
    }
    if (process.argv.includes('--analyze-only')) return;
    const predict: Record<string, unknown> = { bench: 'pipelines-predict', note: 'mer predict end to end; rtf = video seconds per wall second; generated clips have no face (the detector runs on every 5th frame, finding none)' };
    for (const pipeline of ['maven', 'tcn-fusion']) {
      const run = await prepareRun(pipeline, path.join(dir, pipeline));
      if (fs.existsSync(talking)) {
        for (const [k, v] of Object.entries(oneVsTwo((w) => predictBench(run, talking, path.join(dir, 'out'), w)))) predict[`${pipeline}_talking_10s_${k}`] = v;
      }
      for (const seconds of process.argv.includes('--long') ? [60, 600] : [60]) {
        const clip = path.join(dir, `clip-${seconds}.mp4`);
        if (!fs.existsSync(clip)) generateTestClip(clip, { seconds, fps: 30, width: 640, height: 360, toneHz: 300 });
        predict[`${pipeline}_generated_${seconds}s`] = predictBench(run, clip, path.join(dir, 'out'));
      }
    }
    console.log(JSON.stringify(predict));
    if (process.argv.includes('--predict-only')) return;
    console.log(JSON.stringify({ bench: 'pipelines-audio', ...(await audioBench(dir)) }));
    console.log(JSON.stringify({ bench: 'pipelines-train', backend: tf.getBackend(), rows: await trainBench(dir) }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  initBackend()
    .then(() => (process.argv[3] === 'analyze' ? childAnalyze(process.argv[4], process.argv[5], Number(process.argv[6] ?? 1)) : childPredict(process.argv[4], process.argv[5], process.argv[6], Number(process.argv[7] ?? 1))))
    .catch((e) => (console.error(e), process.exit(1)));
} else {
  main().catch((e) => (console.error(e), process.exit(1)));
}
