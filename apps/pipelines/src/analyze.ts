import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { CategoryVaTable, EXPRESSION_CLASSES, ExpressionClassifier, ExpressionCropMode, expressionVa, FaceBox, FaceDetector, FaceFollower, FaceSelection, FaceTracker, prosody, rowsAt, RUSSELL_MEHRABIAN_1977, SpeechDetector, TrackedFace } from '@mer/feature-extractors';
import { AtomicFileWriter, decodeAudio, FrameRateTracker, probe, readVideoFrames, writeFileAtomic } from '@mer/media';
import { expandInputs, outputStems } from './prediction-output';
import { AnalysisSummary } from './analysis-report';

/** What `analyze` writes for one file. */
export interface AnalyzedFile {
  file: string;
  frames: number;
  seconds: number;
  /** Frames with a face. */
  faceFrames: number;
  /** Distinct face ids (1 unless `face: 'all'`). */
  faces: number;
  /** Mean class probabilities over the face rows. */
  meanProbabilities: number[];
  dominantExpression: string | null;
  /** Mean expression-derived valence and arousal over the face rows. */
  meanValence: number;
  meanArousal: number;
  /** Fraction of frames whose speech probability is > 0.5. */
  speechFraction: number;
  csv: string;
  report: string;
  notes: string[];
}

export interface AnalyzeOptions {
  out: string;
  /**
   * Which faces: 'largest' (default), 'main' (largest × most confident), 'left', 'right' — one row per
   * frame — or 'all': every face on its own track with a stable `face_id`, one row per face per frame.
   */
  face?: FaceSelection | 'all';
  /** Run the detector every N frames and follow the faces in between (every frame is classified). Default 3. */
  detectEvery?: number;
  /** How crops are turned upright: 'eyes' (default) or human's own 'reference' pipeline. */
  crop?: ExpressionCropMode;
  /** Category → valence/arousal table; default Russell & Mehrabian (1977). */
  vaTable?: CategoryVaTable;
  recursive?: boolean;
  onFile?: (r: AnalyzedFile) => void;
  onError?: (file: string, error: string) => void;
}

const HEADER = `frame,timestamp,face_id,face_x,face_y,face_w,face_h,face_score,success,${EXPRESSION_CLASSES.join(',')},expression,valence,arousal,speech_prob,loudness,f0_hz\n`;

interface Models {
  detector: FaceDetector;
  classifier: ExpressionClassifier;
  vad: SpeechDetector;
}

/**
 * The face box in source pixels, squared to its longer side about its centre: the detector sees the
 * frame stretched to 256 × 256 (as in human's pipeline), so its boxes are square there, not in the frame.
 */
function squareBox(b: FaceBox['box'], width: number, height: number): [number, number, number, number] {
  const side = Math.max((b[2] - b[0]) * width, (b[3] - b[1]) * height);
  return [((b[0] + b[2]) / 2) * width - side / 2, ((b[1] + b[3]) / 2) * height - side / 2, side, side];
}

/** Picks the faces of each detection frame: one by rule, or all on tracks. */
function facePicker(select: FaceSelection | 'all', m: Models): (faces: FaceBox[], frame: tf.Tensor3D, time: number) => Promise<TrackedFace[]> {
  if (select === 'all') {
    const tracker = new FaceTracker();
    const pick = async (faces: FaceBox[], frame: tf.Tensor3D, time: number) =>
      tracker.update(faces, time, async (f) => {
        const crop = m.classifier.crops(frame, [f]);
        const { probabilities, features } = m.classifier.run(crop);
        const look = (await features.data()) as Float32Array;
        tf.dispose([crop, probabilities, features]);
        return look;
      });
    return Object.assign(pick, { tracker });
  }
  const follower = new FaceFollower(select);
  return async (faces) => {
    const f = follower.update(faces);
    return f ? [{ ...f, id: 1 }] : [];
  };
}

/**
 * Per-frame analysis of one file with the shipped pretrained models, nothing trained: the chosen face
 * or every face (BlazeFace, followed between detections), its expression probabilities (human's 7-class
 * model on a crop turned upright), valence/arousal derived from them through a category table, speech
 * probability (Silero VAD), loudness and F0. Rows are written to the CSV as frames are decoded
 * (temporary file, renamed when complete); the report keeps at most ~1500 points per curve, so memory
 * does not grow with the video's length.
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
  const table = o.vaTable ?? RUSSELL_MEHRABIAN_1977;
  const pick = facePicker(o.face ?? 'largest', m);
  const tracker = (pick as { tracker?: FaceTracker }).tracker;
  const csv = path.join(o.out, `${stem}.csv`);
  const writer = new AtomicFileWriter(csv);
  const summary = new AnalysisSummary(Math.max(1, Math.ceil(info.video.frameCount / 1500)));
  const rate = new FrameRateTracker(fps);
  const [W, H] = [info.video.width, info.video.height];
  let current: TrackedFace[] = [];
  try {
    writer.write(HEADER);
    for await (const b of readVideoFrames(file, { width: 320, info })) {
      rate.add(b.timestamps);
      const size = b.height * b.width * 3;
      const faces: TrackedFace[][] = [];
      const crops: tf.Tensor4D[] = [];
      for (let i = 0; i < b.count; i++) {
        const frame = tf.tensor3d(b.data.subarray(i * size, (i + 1) * size), [b.height, b.width, 3], 'int32');
        if ((b.firstIndex + i) % every === 0) current = await pick(await m.detector.detect(frame), frame, b.timestamps[i]);
        faces.push(current);
        if (current.length > 0) crops.push(m.classifier.crops(frame, current, o.crop));
        frame.dispose();
      }
      const run = crops.length ? m.classifier.run(tf.concat(crops, 0) as tf.Tensor4D) : null;
      tf.dispose(crops);
      const [probs, looks] = run ? await Promise.all([run.probabilities.data(), run.features.data()]) : [new Float32Array(0), new Float32Array(0)];
      const D = run ? run.features.shape[1] : 0;
      if (run) tf.dispose([run.probabilities, run.features]);
      const times = b.timestamps;
      const sp = SpeechDetector.perFrame(speech, times, fps);
      const loud = rowsAt(voice.loudness, voice.timeStep, times);
      const f0 = rowsAt(voice.f0, voice.timeStep, times);
      const K = EXPRESSION_CLASSES.length;
      let k = 0;
      let lines = '';
      for (let i = 0; i < b.count; i++) {
        const frame = b.firstIndex + i;
        const audioCells = `${sp[i].toFixed(3)},${loud[i].toFixed(3)},${f0[i].toFixed(1)}`;
        const rows: { id: number; probabilities: number[]; va: [number, number] }[] = [];
        for (const f of faces[i]) {
          const p = Array.from(probs.subarray(k * K, (k + 1) * K));
          tracker?.observe(f.id, looks.subarray(k * D, (k + 1) * D));
          k++;
          const va = expressionVa(p, EXPRESSION_CLASSES, table);
          rows.push({ id: f.id, probabilities: p, va });
          const box = squareBox(f.box, W, H);
          lines += `${frame},${times[i].toFixed(4)},${f.id},${box.map((v) => v.toFixed(1)).join(',')},${f.score.toFixed(3)},1,${p.map((v) => v.toFixed(4)).join(',')},${EXPRESSION_CLASSES[p.indexOf(Math.max(...p))]},${va[0].toFixed(4)},${va[1].toFixed(4)},${audioCells}\n`;
        }
        if (faces[i].length === 0) lines += `${frame},${times[i].toFixed(4)},,0.0,0.0,0.0,0.0,0,0,${EXPRESSION_CLASSES.map(() => '').join(',')},,,,${audioCells}\n`;
        summary.addFrame(frame, times[i], sp[i], rows);
      }
      writer.write(lines);
    }
    if (summary.frames === 0) throw new Error(`${file}: no video frames could be decoded`);
    writer.commit();
  } catch (e) {
    writer.abort();
    throw e;
  }
  const { frames, faceFrames, speechFrames } = summary;
  const vfr = rate.note();
  if (vfr) notes.push(vfr);
  if (faceFrames < frames) notes.push(`no face in ${frames - faceFrames}/${frames} frames`);
  const means = summary.means();
  const dominant = means.rows ? EXPRESSION_CLASSES[means.probabilities.indexOf(Math.max(...means.probabilities))] : null;
  const report = path.join(o.out, `${stem}.report.html`);
  const ids = summary.ids();
  const text = [
    `${frames} frames, ${info.duration.toFixed(2)} s; a face in ${faceFrames} (${((100 * faceFrames) / frames).toFixed(1)} %)${o.face === 'all' ? `, ${ids.length} face track${ids.length === 1 ? '' : 's'}` : ''}; speech in ${((100 * speechFrames) / frames).toFixed(1)} % of frames`,
    'Expressions: the 7-class facial-expression model shipped in @vladmandic/human (MIT), on the face crop turned upright; no mer training involved.',
    `Valence and arousal are expression-derived (the probability-weighted places of the classes in ${table.source}), not a trained valence/arousal model.`,
    ...notes,
  ];
  writeFileAtomic(report, summary.html(`mer analyze: ${path.basename(file)}`, stem, text));
  return { file, frames, seconds: info.duration, faceFrames, faces: ids.length, meanProbabilities: means.probabilities, dominantExpression: dominant, meanValence: means.valence, meanArousal: means.arousal, speechFraction: speechFrames / frames, csv, report, notes };
}

/**
 * `mer analyze`: every input (files, folders, globs) analysed with the shipped models, one CSV and one
 * HTML report per file and `summary.csv` over all; a file that fails is reported and the rest go on.
 */
export async function analyze(inputs: readonly string[], options: AnalyzeOptions): Promise<{ files: AnalyzedFile[]; failed: { file: string; error: string }[]; summary: string }> {
  await initBackend();
  const files = await expandInputs(inputs, { recursive: options.recursive });
  fs.mkdirSync(options.out, { recursive: true });
  const models: Models = { detector: await FaceDetector.load({ letterbox: false }), classifier: await ExpressionClassifier.load(), vad: await SpeechDetector.load() };
  const done: AnalyzedFile[] = [];
  const failed: { file: string; error: string }[] = [];
  const stems = outputStems(files);
  let summary = `file,status,frames,seconds,face_frames,faces,dominant_expression,${EXPRESSION_CLASSES.map((c) => `mean_${c}`).join(',')},mean_valence,mean_arousal,speech_fraction,notes\n`;
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  try {
    for (const file of files) {
      try {
        const r = await analyzeFile(file, stems.get(file)!, models, options);
        done.push(r);
        summary += `${q(file)},ok,${r.frames},${r.seconds.toFixed(2)},${r.faceFrames},${r.faces},${r.dominantExpression ?? ''},${r.meanProbabilities.map((v) => v.toFixed(4)).join(',')},${r.meanValence.toFixed(4)},${r.meanArousal.toFixed(4)},${r.speechFraction.toFixed(3)},${q(r.notes.join('; '))}\n`;
        options.onFile?.(r);
      } catch (e) {
        const error = (e as Error).message;
        failed.push({ file, error });
        summary += `${q(file)},failed,,,,,,${EXPRESSION_CLASSES.map(() => '').join(',')},,,,${q(error)}\n`;
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
