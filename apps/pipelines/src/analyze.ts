import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { alignedCrops, EXPRESSION_CLASSES, ExpressionClassifier, FaceBox, FaceDetector, FaceFollower, FaceSelection, prosody, rowsAt, SpeechDetector } from '@mer/feature-extractors';
import { AtomicFileWriter, decodeAudio, FrameRateTracker, probe, readVideoFrames, writeFileAtomic } from '@mer/media';
import { expandInputs, outputStems } from './prediction-output';
import { classTimelineSvg, htmlReport } from './plots';

/** What `analyze` writes for one file. */
export interface AnalyzedFile {
  file: string;
  frames: number;
  seconds: number;
  /** Frames with a face. */
  faceFrames: number;
  /** Mean class probabilities over frames with a face. */
  meanProbabilities: number[];
  dominantExpression: string | null;
  /** Fraction of frames whose speech probability is > 0.5. */
  speechFraction: number;
  csv: string;
  report: string;
  notes: string[];
}

export interface AnalyzeOptions {
  out: string;
  /** Which face: 'largest' (default), 'main' (largest × most confident), 'left', 'right'. */
  face?: FaceSelection;
  /** Run the detector every N frames and follow the face in between (every frame is classified). Default 3. */
  detectEvery?: number;
  recursive?: boolean;
  onFile?: (r: AnalyzedFile) => void;
  onError?: (file: string, error: string) => void;
}

const HEADER = `frame,timestamp,face_id,face_x,face_y,face_w,face_h,face_score,success,${EXPRESSION_CLASSES.join(',')},expression,speech_prob,loudness,f0_hz\n`;

interface Models {
  detector: FaceDetector;
  classifier: ExpressionClassifier;
  vad: SpeechDetector;
}

/**
 * Per-frame analysis of one file with the shipped pretrained models, nothing trained: the chosen face
 * (BlazeFace, followed between detections), its expression probabilities (human's 7-class model on a
 * crop turned upright by the eye line), speech probability (Silero VAD), loudness and F0. Rows are
 * written to the CSV as frames are decoded (temporary file, renamed when complete); the report keeps
 * at most ~1500 points per curve, so memory does not grow with the video's length.
 */
async function analyzeFile(file: string, stem: string, m: Models, o: AnalyzeOptions): Promise<AnalyzedFile> {
  if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
  const info = await probe(file);
  if (!info.video) throw new Error(`${file}: no video stream — analyze reads faces (use mer extract / train for audio-only data)`);
  const notes: string[] = [];
  const audio = await decodeAudio(file, { sampleRate: 16000, missingAudio: 'silence', info });
  if (info.audio.length === 0) notes.push('no audio track: speech, loudness and F0 are 0');
  const speech = await m.vad.probabilities(audio.samples);
  const voice = prosody(audio.samples);
  const fps = info.video.fps;
  const every = Math.max(1, o.detectEvery ?? 3);
  const follower = new FaceFollower(o.face ?? 'largest');
  const csv = path.join(o.out, `${stem}.csv`);
  const writer = new AtomicFileWriter(csv);
  const keepEvery = Math.max(1, Math.ceil(info.video.frameCount / 1500));
  const plotTimes: number[] = [];
  const plotProbs: (number[] | null)[] = [];
  const sums = new Float64Array(EXPRESSION_CLASSES.length);
  const rate = new FrameRateTracker(fps);
  let face = null as FaceBox | null;
  let frames = 0;
  let faceFrames = 0;
  let speechFrames = 0;
  try {
    writer.write(HEADER);
    for await (const b of readVideoFrames(file, { width: 320, info })) {
      rate.add(b.timestamps);
      const size = b.height * b.width * 3;
      const faces: (FaceBox | null)[] = [];
      const crops: tf.Tensor4D[] = [];
      for (let i = 0; i < b.count; i++) {
        const frame = tf.tensor3d(b.data.subarray(i * size, (i + 1) * size), [b.height, b.width, 3], 'int32');
        if ((b.firstIndex + i) % every === 0) face = follower.update(await m.detector.detect(frame)) ?? null;
        faces.push(face);
        if (face) crops.push(alignedCrops(frame, [face], m.classifier.inputSize));
        frame.dispose();
      }
      const probs = crops.length ? await tf.tidy(() => m.classifier.classify(tf.concat(crops, 0) as tf.Tensor4D)).data() : new Float32Array(0);
      tf.dispose(crops);
      const times = b.timestamps;
      const sp = SpeechDetector.perFrame(speech, times, fps);
      const loud = rowsAt(voice.loudness, voice.timeStep, times);
      const f0 = rowsAt(voice.f0, voice.timeStep, times);
      let k = 0;
      let lines = '';
      for (let i = 0; i < b.count; i++, frames++) {
        const f = faces[i];
        const p = f ? Array.from(probs.subarray(k * 7, ++k * 7)) : null;
        if (p) {
          faceFrames++;
          p.forEach((v, c) => (sums[c] += v));
        }
        if (sp[i] > 0.5) speechFrames++;
        const box = f ? [f.box[0] * info.video.width, f.box[1] * info.video.height, (f.box[2] - f.box[0]) * info.video.width, (f.box[3] - f.box[1]) * info.video.height] : [0, 0, 0, 0];
        const label = p ? EXPRESSION_CLASSES[p.indexOf(Math.max(...p))] : '';
        const cells = p ? p.map((v) => v.toFixed(4)) : EXPRESSION_CLASSES.map(() => '');
        lines += `${b.firstIndex + i},${times[i].toFixed(4)},${f ? 1 : ''},${box.map((v) => v.toFixed(1)).join(',')},${f ? f.score.toFixed(3) : '0'},${f ? 1 : 0},${cells.join(',')},${label},${sp[i].toFixed(3)},${loud[i].toFixed(3)},${f0[i].toFixed(1)}\n`;
        if ((b.firstIndex + i) % keepEvery === 0) {
          plotTimes.push(times[i]);
          plotProbs.push(p);
        }
      }
      writer.write(lines);
    }
    if (frames === 0) throw new Error(`${file}: no video frames could be decoded`);
    writer.commit();
  } catch (e) {
    writer.abort();
    throw e;
  }
  const vfr = rate.note();
  if (vfr) notes.push(vfr);
  if (faceFrames < frames) notes.push(`no face in ${frames - faceFrames}/${frames} frames`);
  const meanProbabilities = Array.from(sums, (s) => (faceFrames ? s / faceFrames : 0));
  const dominant = faceFrames ? EXPRESSION_CLASSES[meanProbabilities.indexOf(Math.max(...meanProbabilities))] : null;
  const report = path.join(o.out, `${stem}.report.html`);
  const text = [
    `${frames} frames, ${info.duration.toFixed(2)} s; a face in ${faceFrames} (${((100 * faceFrames) / frames).toFixed(1)} %); speech in ${((100 * speechFrames) / frames).toFixed(1)} % of frames`,
    'Expressions: the 7-class facial-expression model shipped in @vladmandic/human (MIT), on the face crop turned upright; no mer training involved.',
    ...notes,
  ];
  const table = [['expression', 'mean probability'], ...EXPRESSION_CLASSES.map((c, i) => [c, meanProbabilities[i].toFixed(3)])];
  writeFileAtomic(report, htmlReport(`mer analyze: ${path.basename(file)}`, [{ heading: 'summary', text, table, svgs: [classTimelineSvg(plotTimes, EXPRESSION_CLASSES, plotProbs, `${stem}: expression probabilities`)] }]));
  return { file, frames, seconds: info.duration, faceFrames, meanProbabilities, dominantExpression: dominant, speechFraction: speechFrames / frames, csv, report, notes };
}

/**
 * `mer analyze`: every input (files, folders, globs) analysed with the shipped models, one CSV and one
 * HTML report per file and `summary.csv` over all; a file that fails is reported and the rest go on.
 */
export async function analyze(inputs: readonly string[], options: AnalyzeOptions): Promise<{ files: AnalyzedFile[]; failed: { file: string; error: string }[]; summary: string }> {
  await initBackend();
  const files = await expandInputs(inputs, { recursive: options.recursive });
  fs.mkdirSync(options.out, { recursive: true });
  const models: Models = { detector: await FaceDetector.load(), classifier: await ExpressionClassifier.load(), vad: await SpeechDetector.load() };
  const done: AnalyzedFile[] = [];
  const failed: { file: string; error: string }[] = [];
  const stems = outputStems(files);
  let summary = `file,status,frames,seconds,face_frames,dominant_expression,${EXPRESSION_CLASSES.map((c) => `mean_${c}`).join(',')},speech_fraction,notes\n`;
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  try {
    for (const file of files) {
      try {
        const r = await analyzeFile(file, stems.get(file)!, models, options);
        done.push(r);
        summary += `${q(file)},ok,${r.frames},${r.seconds.toFixed(2)},${r.faceFrames},${r.dominantExpression ?? ''},${r.meanProbabilities.map((v) => v.toFixed(4)).join(',')},${r.speechFraction.toFixed(3)},${q(r.notes.join('; '))}\n`;
        options.onFile?.(r);
      } catch (e) {
        const error = (e as Error).message;
        failed.push({ file, error });
        summary += `${q(file)},failed,,,,,${EXPRESSION_CLASSES.map(() => '').join(',')},,${q(error)}\n`;
        options.onError?.(file, error);
      }
    }
  } finally {
    models.detector.dispose();
    models.classifier.dispose();
    await models.vad.dispose();
    writeFileAtomic(path.join(options.out, 'summary.csv'), summary);
  }
  return { files: done, failed, summary: path.join(options.out, 'summary.csv') };
}
