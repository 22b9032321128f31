import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import {
  ANALYSIS_COLUMNS,
  CategoryVaTable,
  EXPRESSION_CLASSES,
  EXPRESSION_DETECTION,
  ExpressionClassifier,
  ExpressionCropMode,
  ExpressionFaceBatch,
  expressionVa,
  FaceBox,
  FaceDetector,
  FacePick,
  FaceSelection,
  FaceTracker,
  followOne,
  PixelFrame,
  prosody,
  rowsAt,
  RUSSELL_MEHRABIAN_1977,
  SpeechDetector,
  TWO_PROCESS_MIN_SECONDS,
  cropExpressionFaces,
  DetectedFaceBatch,
  detectExpressionFaces,
  detectExpressionFacesInProcess,
  FACE_TRACK_GEOMETRY,
} from '@mer/feature-extractors';
import { AtomicFileWriter, audioStreamChoiceNote, decodeAudio, FrameRateTracker, probe, writeFileAtomic } from '@mer/media';
import { expandInputs, outputStems } from './prediction-output';
import { AnalysisSummary } from './analysis-report';
import { analysisKey, forgetFinished, readFinished, recordFinished } from './analysis-state';

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
  /** Run the detector every N frames and follow the faces in between (every frame is classified). Default 5, as `mer predict`. */
  detectEvery?: number;
  /** How crops are turned upright: 'eyes' (default) or human's own 'reference' pipeline. */
  crop?: ExpressionCropMode;
  /**
   * Processes per video: 2 decodes, detects and crops in a second process while this one classifies
   * and writes rows (same rows as 1). `face: 'all'` runs in one process (its tracker needs the
   * classifier's appearance vectors). Default 1.
   */
  workers?: number;
  /** Category → valence/arousal table; default Russell & Mehrabian (1977). */
  vaTable?: CategoryVaTable;
  recursive?: boolean;
  /** Analyse every file again, even those an earlier run into `out` finished. */
  overwrite?: boolean;
  /** The files the inputs expanded to, before the first is analysed. */
  onStart?: (files: readonly string[]) => void;
  onFile?: (r: AnalyzedFile) => void;
  /** A file an earlier run finished, skipped (its figures are that run's). */
  onSkip?: (r: AnalyzedFile) => void;
  onError?: (file: string, error: string) => void;
}

export interface AnalyzeResult {
  /** Analysed by this run. */
  files: AnalyzedFile[];
  /** Finished by an earlier run into the same folder and skipped (summary status `skipped`). */
  skipped: AnalyzedFile[];
  failed: { file: string; error: string }[];
  /** `<out>/summary.csv`: one row per input file, status ok, skipped or failed. */
  summary: string;
}

const HEADER = `${ANALYSIS_COLUMNS.join(',')}\n`;

interface Models {
  detector: FaceDetector;
  classifier: ExpressionClassifier;
  vad: SpeechDetector;
}

/**
 * The face box in the video's displayed pixels, squared to its longer side about its centre (the
 * squares the crops are cut from): letterboxed detection gives square boxes already; `--crop reference`
 * detects on the frame stretched to 256 × 256 (as human's pipeline), whose boxes are square there, not in the frame.
 */
function squareBox(b: FaceBox['box'], width: number, height: number): [number, number, number, number] {
  const side = Math.max((b[2] - b[0]) * width, (b[3] - b[1]) * height);
  return [((b[0] + b[2]) / 2) * width - side / 2, ((b[1] + b[3]) / 2) * height - side / 2, side, side];
}

/** Every face on its own track; a face that continues no track is compared with lost ones by the appearance of its crop. */
function trackAll(m: Models): FacePick & { tracker: FaceTracker } {
  const tracker = new FaceTracker();
  const pick = async (faces: FaceBox[], frame: PixelFrame, time: number) =>
    tracker.update(faces, time, async (f) => {
      const crop = m.classifier.crops(frame, [f]);
      const { probabilities, features } = await m.classifier.run(crop);
      const look = (await features.data()) as Float32Array;
      tf.dispose([crop, probabilities, features]);
      return look;
    });
  return Object.assign(pick, { tracker });
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
  if (info.audio.length === 0) notes.push('no audio track: speech, loudness and F0 are 0');
  const choice = audioStreamChoiceNote(info);
  if (choice) notes.push(choice);
  // The audio side starts at once and the video decoder beside it: each ffmpeg's start-up and the
  // audio decode overlap with work here. The first batch of rows waits for the audio side.
  const audioSide = (async () => {
    const audio = await decodeAudio(file, { sampleRate: 16000, missingAudio: 'silence', info });
    return { speech: await m.vad.probabilities(audio.samples), voice: prosody(audio.samples) };
  })();
  audioSide.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  const fps = info.video.fps;
  const every = Math.max(1, o.detectEvery ?? 5);
  const table = o.vaTable ?? RUSSELL_MEHRABIAN_1977;
  const select = o.face ?? 'largest';
  // Two processes (one person): decode and detection there; crops, classification and rows here.
  const twoProcesses = (o.workers ?? 1) > 1 && select !== 'all' && info.duration >= TWO_PROCESS_MIN_SECONDS;
  const all = select === 'all' ? trackAll(m) : null;
  const csv = path.join(o.out, `${stem}.csv`);
  const writer = new AtomicFileWriter(csv);
  const summary = new AnalysisSummary(Math.max(1, Math.ceil(info.video.frameCount / 1500)));
  const rate = new FrameRateTracker(fps);
  const [W, H] = [info.video.width, info.video.height];
  const K = EXPRESSION_CLASSES.length;
  const onBatch = async (b: ExpressionFaceBatch) => {
    rate.add(b.timestamps);
    const n = b.crops.length / (64 * 64 * 3);
    const crops = n > 0 ? tf.tensor4d(b.crops, [n, 64, 64, 3]) : null;
    const run = crops ? await m.classifier.run(crops) : null;
    crops?.dispose();
    const [probs, looks] = run ? await Promise.all([run.probabilities.data(), run.features.data()]) : [new Float32Array(0), new Float32Array(0)];
    const D = run ? run.features.shape[1] : 0;
    if (run) tf.dispose([run.probabilities, run.features]);
    const times = b.timestamps;
    const { speech, voice } = await audioSide;
    const sp = SpeechDetector.perFrame(speech, times, fps);
    const loud = rowsAt(voice.loudness, voice.timeStep, times);
    const f0 = rowsAt(voice.f0, voice.timeStep, times);
    let k = 0;
    let lines = '';
    for (let i = 0; i < b.count; i++) {
      const frame = b.firstIndex + i;
      const audioCells = `${sp[i].toFixed(3)},${loud[i].toFixed(3)},${f0[i].toFixed(1)}`;
      const rows: { id: number; probabilities: number[]; va: [number, number] }[] = [];
      for (const f of b.faces[i]) {
        const p = Array.from(probs.subarray(k * K, (k + 1) * K));
        all?.tracker.observe(f.id, looks.subarray(k * D, (k + 1) * D));
        k++;
        const va = expressionVa(p, EXPRESSION_CLASSES, table);
        rows.push({ id: f.id, probabilities: p, va });
        const box = squareBox(f.box, W, H);
        lines += `${frame},${times[i].toFixed(4)},${f.id},${box.map((v) => v.toFixed(1)).join(',')},${f.score.toFixed(3)},1,${p.map((v) => v.toFixed(4)).join(',')},${EXPRESSION_CLASSES[p.indexOf(Math.max(...p))]},${va[0].toFixed(4)},${va[1].toFixed(4)},${audioCells}\n`;
      }
      if (b.faces[i].length === 0) lines += `${frame},${times[i].toFixed(4)},,,,,,,0,${EXPRESSION_CLASSES.map(() => '').join(',')},,,,${audioCells}\n`;
      summary.addFrame(frame, times[i], sp[i], rows);
    }
    writer.write(lines);
  };
  try {
    writer.write(HEADER);
    const crop = o.crop ?? 'eyes';
    const onDetected = async (b: DetectedFaceBatch) => onBatch(await cropExpressionFaces(b, crop));
    if (twoProcesses) await detectExpressionFacesInProcess(file, { select: select as FaceSelection, detectEvery: every, crop }, onBatch);
    else await detectExpressionFaces(file, m.detector, { detectEvery: every, geometry: EXPRESSION_DETECTION[crop], info }, all ?? followOne(select as FaceSelection), onDetected);
    await audioSide;
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
 * A file finished by an earlier run into the same folder (same source, same options) is skipped and
 * its figures reused, unless `overwrite`.
 */
export async function analyze(inputs: readonly string[], options: AnalyzeOptions): Promise<AnalyzeResult> {
  await initBackend();
  const files = await expandInputs(inputs, { recursive: options.recursive });
  options.onStart?.(files);
  fs.mkdirSync(options.out, { recursive: true });
  const models: Models = { detector: await FaceDetector.load({ letterbox: false }), classifier: await ExpressionClassifier.load(), vad: await SpeechDetector.load() };
  const done: AnalyzedFile[] = [];
  const skipped: AnalyzedFile[] = [];
  const failed: { file: string; error: string }[] = [];
  const stems = outputStems(files);
  // The geometry version too: results of an older face geometry are analysed again, not reused.
  const shape = { face: options.face ?? 'largest', crop: options.crop ?? 'eyes', detectEvery: options.detectEvery ?? 5, vaTable: options.vaTable ?? null, geometry: FACE_TRACK_GEOMETRY };
  let summary = `file,status,frames,seconds,face_frames,faces,dominant_expression,${EXPRESSION_CLASSES.map((c) => `mean_${c}`).join(',')},mean_valence,mean_arousal,speech_fraction,notes\n`;
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const row = (r: AnalyzedFile, status: string) =>
    `${q(r.file)},${status},${r.frames},${r.seconds.toFixed(2)},${r.faceFrames},${r.faces},${r.dominantExpression ?? ''},${r.meanProbabilities.map((v) => v.toFixed(4)).join(',')},${r.meanValence.toFixed(4)},${r.meanArousal.toFixed(4)},${r.speechFraction.toFixed(3)},${q(r.notes.join('; '))}\n`;
  try {
    for (const file of files) {
      const stem = stems.get(file)!;
      const key = analysisKey(file, shape);
      const earlier = options.overwrite ? null : readFinished<AnalyzedFile>(options.out, stem, key, [path.join(options.out, `${stem}.csv`), path.join(options.out, `${stem}.report.html`)]);
      if (earlier) {
        skipped.push(earlier);
        summary += row(earlier, 'skipped');
        options.onSkip?.(earlier);
        continue;
      }
      let r: AnalyzedFile;
      try {
        forgetFinished(options.out, stem);
        r = await analyzeFile(file, stem, models, options);
        recordFinished(options.out, stem, key, r);
      } catch (e) {
        const error = (e as Error).message;
        failed.push({ file, error });
        summary += `${q(file)},failed,,,,,,${EXPRESSION_CLASSES.map(() => '').join(',')},,,,${q(error)}\n`;
        options.onError?.(file, error);
        continue;
      }
      done.push(r);
      summary += row(r, 'ok');
      options.onFile?.(r);
    }
  } finally {
    models.detector.dispose();
    models.classifier.dispose();
    await models.vad.dispose();
    writeFileAtomic(path.join(options.out, 'summary.csv'), summary);
  }
  return { files: done, skipped, failed, summary: path.join(options.out, 'summary.csv') };
}
