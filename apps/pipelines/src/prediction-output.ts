import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAbawVaSubmission } from '@mer/datasets';
import type { FaceSelection } from '@mer/feature-extractors';
import { AtomicFileWriter, writeFileAtomic } from '@mer/media';
import { glob } from 'tinyglobby';
import { loadPipeline, Pipeline } from './pipeline';
import { planSpeakers } from './speaker-prediction';
import type { FramePrediction, Prediction } from './pipeline-types';
import { circumplexSvg, htmlReport, probabilitiesSvg, vaTimelineSvg } from './plots';

const MEDIA = /\.(mp4|avi|mov|mkv|webm|m4v|mpg|mpeg|flv|wmv|3gp|wav|mp3|m4a|flac|ogg|aac)$/i;

/**
 * The media files named by `inputs`: files as given, folders' media files (`recursive`: their
 * subfolders' too), and glob patterns (`clips/*.mp4`, `data/**\/*.wav`), in order, each once.
 * An input that names nothing is an error saying so.
 */
export async function expandInputs(inputs: readonly string[], options: { recursive?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    let found: string[];
    if (fs.existsSync(input) && fs.statSync(input).isDirectory()) {
      found = (await glob(options.recursive ? '**/*' : '*', { cwd: input, absolute: true, onlyFiles: true })).filter((f) => MEDIA.test(f)).sort();
      if (found.length === 0) throw new Error(`${input}: a folder with no media files${options.recursive ? '' : ' (add --recursive for its subfolders)'}`);
    } else if (fs.existsSync(input)) {
      found = [input];
    } else if (/[*?[\]{}]/.test(input)) {
      found = (await glob(input, { absolute: true, onlyFiles: true })).sort();
      if (found.length === 0) throw new Error(`${input}: the pattern matches no file`);
    } else {
      found = [input]; // reported as not found when its turn comes, without stopping the others
    }
    for (const f of found) if (!out.includes(f)) out.push(f);
  }
  return out;
}

/** Output stems that stay unique when two inputs share a file name (`clip`, `clip-2`, …). */
export function outputStems(files: readonly string[]): Map<string, string> {
  const used = new Map<string, number>();
  const out = new Map<string, string>();
  for (const f of files) {
    const base = path.basename(f).replace(/\.[^.]+$/, '');
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    out.set(f, n === 1 ? base : `${base}-${n}`);
  }
  return out;
}

/** Writes one prediction's files: CSV (+ ABAW file), optional plots and HTML report. Returns their paths. */
export function writePrediction(pred: Prediction, outDir: string, options: { plot?: boolean; abaw?: boolean; labels?: Float32Array; skipCsv?: boolean; stem?: string } = {}): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const stem = options.stem ?? path.basename(pred.file).replace(/\.[^.]+$/, '');
  const written: string[] = [];
  if (pred.task === 'va') {
    if (!options.skipCsv) {
      const csv = CSV_HEADER + pred.frames.map(csvLine).join('');
      written.push(path.join(outDir, `${stem}.csv`));
      writeFileAtomic(written[written.length - 1], csv);
    }
    if (options.abaw) {
      const file = path.join(outDir, `${stem}.abaw.txt`);
      writeAbawVaSubmission(file, [{ name: stem, valence: pred.frames.map((f) => f.valence), arousal: pred.frames.map((f) => f.arousal) }]);
      written.push(file);
    }
    if (options.plot) {
      const timeline = vaTimelineSvg(pred.frames, { title: `${stem}: valence / arousal`, labels: options.labels });
      const circ = circumplexSvg(pred.frames, { title: `${stem}: circumplex` });
      for (const [name, svg] of [
        [`${stem}.timeline.svg`, timeline],
        [`${stem}.circumplex.svg`, circ],
      ]) {
        writeFileAtomic(path.join(outDir, name), svg);
        written.push(path.join(outDir, name));
      }
      const report = htmlReport(`mer predict: ${path.basename(pred.file)}`, [{ heading: 'prediction', text: [`${pred.frameCount} frames at ${pred.fps.toFixed(3)} fps`, ...pred.notes], svgs: [timeline, circ] }]);
      writeFileAtomic(path.join(outDir, `${stem}.report.html`), report);
      written.push(path.join(outDir, `${stem}.report.html`));
    }
  } else {
    const csv = `file,label,${pred.classes.map((c) => `p_${c}`).join(',')}\n${path.basename(pred.file)},${pred.label},${pred.probabilities.map((p) => p.toFixed(6)).join(',')}\n`;
    written.push(path.join(outDir, `${stem}.csv`));
    writeFileAtomic(written[0], csv);
    if (options.plot) {
      const bars = probabilitiesSvg(pred.classes, pred.probabilities, `${stem}: ${pred.label}`);
      writeFileAtomic(path.join(outDir, `${stem}.probabilities.svg`), bars);
      writeFileAtomic(path.join(outDir, `${stem}.report.html`), htmlReport(`mer predict: ${path.basename(pred.file)}`, [{ heading: `predicted: ${pred.label}`, text: pred.notes, svgs: [bars] }]));
      written.push(path.join(outDir, `${stem}.probabilities.svg`), path.join(outDir, `${stem}.report.html`));
    }
  }
  return written;
}

/** Per-frame columns in OpenFace / py-feat order: frame, time, face, then the predictions. */
const CSV_HEADER = 'frame,timestamp,face_x,face_y,face_w,face_h,face_score,success,valence,arousal\n';
const csvLine = (f: FramePrediction) =>
  `${f.frame},${f.time.toFixed(4)},${f.faceX.toFixed(1)},${f.faceY.toFixed(1)},${f.faceW.toFixed(1)},${f.faceH.toFixed(1)},${f.faceScore.toFixed(3)},${f.success},${f.valence.toFixed(6)},${f.arousal.toFixed(6)}\n`;

/**
 * Per-frame prediction written to `<out>/<stem>.csv` as rows arrive (temp file, renamed when
 * complete), keeping rows in memory only when plots or the ABAW file need them.
 */
async function predictVaToCsv(p: Pipeline, file: string, out: string, stem: string, keepRows: boolean): Promise<{ pred: Prediction; csv: string; stats: RowStats }> {
  const csv = path.join(out, `${stem}.csv`);
  const writer = new AtomicFileWriter(csv);
  const frames: FramePrediction[] = [];
  const stats: RowStats = { rows: 0, faces: 0, valence: 0, arousal: 0 };
  try {
    writer.write(CSV_HEADER);
    const r = await p.predictStream(file, (rows) => {
      writer.write(rows.map(csvLine).join(''));
      for (const f of rows) {
        stats.rows++;
        stats.faces += f.success;
        stats.valence += f.valence;
        stats.arousal += f.arousal;
      }
      if (keepRows) frames.push(...rows);
    });
    writer.commit();
    return { pred: { task: 'va', file, fps: r.fps, frameCount: r.frames, frames, notes: r.notes }, csv, stats };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** Running sums over a file's rows, for the summary. */
interface RowStats {
  rows: number;
  faces: number;
  valence: number;
  arousal: number;
}

/** What `predictFiles` did: the predictions, the files that failed (and why), the summary file. */
export interface PredictReport {
  predictions: Prediction[];
  failed: { file: string; error: string }[];
  /** `<out>/summary.csv`: one row per input. */
  summary: string;
}

const SUMMARY_HEADER = 'file,status,frames,fps,face_frames,variable_rate,mean_valence,mean_arousal,label,confidence,outputs,standardised,notes\n';
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

function summaryRow(file: string, pred: Prediction | null, written: string[], error?: string, stats?: RowStats, standardised = ''): string {
  if (!pred) return `${q(file)},failed,,,,,,,,,,,${q(error ?? '')}\n`;
  const how = q(standardised);
  const notes = q(pred.notes.join('; '));
  const outs = q(written.map((w) => path.basename(w)).join(' '));
  if (pred.task === 'classification') return `${q(file)},ok,,,,,,,${pred.label},${Math.max(...pred.probabilities).toFixed(4)},${outs},${how},${notes}\n`;
  const n = pred.frameCount;
  const s = stats ?? { rows: 0, faces: 0, valence: 0, arousal: 0 };
  const mean = (k: 'valence' | 'arousal') => (s.rows ? (s[k] / s.rows).toFixed(4) : '');
  const faces = s.rows ? String(s.faces) : '';
  const vfr = pred.notes.some((x) => x.startsWith('variable frame rate')) ? 1 : 0;
  return `${q(file)},ok,${n},${pred.fps.toFixed(3)},${faces},${vfr},${mean('valence')},${mean('arousal')},,,${outs},${how},${notes}\n`;
}

/**
 * Loads a run and predicts every input (files, folders, globs), writing per-file outputs into `out`
 * (per-frame CSVs streamed) and `summary.csv` over all inputs. A file that fails is reported (in the
 * summary and `failed`) and the rest go on; nothing half-written is left for it.
 */
export async function predictFiles(options: {
  run: string;
  files: string[];
  out: string;
  recursive?: boolean;
  plot?: boolean;
  abaw?: boolean;
  /** Which face to follow: 'main' (the run's setting), 'largest', 'left', 'right'. */
  face?: FaceSelection;
  /**
   * Processes per video: 2 decodes and embeds the faces in a second process while this one computes
   * audio and fuses (frame-level networks; same rows as 1). Default 1.
   */
  workers?: number;
  /**
   * A network trained per speaker: every input is this speaker, standardised with the statistics of
   * all the inputs (otherwise each file's speaker is read from its name by the run's dataset, and a
   * file of an unknown speaker is standardised by itself — the summary's `standardised` column says which).
   */
  speaker?: string;
  /** The files the inputs expanded to, before the first is predicted. */
  onStart?: (files: readonly string[]) => void;
  onFile?: (file: string, pred: Prediction, written: string[]) => void;
  onError?: (file: string, error: string) => void;
}): Promise<PredictReport> {
  const files = await expandInputs(options.files, { recursive: options.recursive });
  if (files.length === 0) throw new Error('no input files');
  options.onStart?.(files);
  const p = await loadPipeline(options.run, { ...(options.face ? { face: options.face } : {}), ...((options.workers ?? 1) > 1 ? { faceProcess: true } : {}) });
  const report: PredictReport = { predictions: [], failed: [], summary: path.join(options.out, 'summary.csv') };
  const names = outputStems(files);
  let summary = SUMMARY_HEADER;
  try {
    // Per-speaker runs (clip classifiers): the speakers' statistics over all the inputs first.
    const plan = p.task === 'classification' && p.training.standardise === 'speaker' ? await planSpeakers(p, options.run, files, options.speaker) : null;
    const standardised = (file: string) => plan?.how.get(file) ?? (p.training.standardise === 'speaker' ? 'this recording alone' : 'training split');
    for (const file of files) {
      let pred: Prediction;
      let written: string[];
      try {
        if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
        if (plan?.failed.has(file)) throw new Error(plan.failed.get(file));
        let stats: RowStats | undefined;
        const stem = names.get(file)!;
        if (p.task === 'va') {
          // Rows are kept in memory only when plots or the ABAW file need them.
          const r = await predictVaToCsv(p, file, options.out, stem, Boolean(options.plot || options.abaw));
          pred = r.pred;
          stats = r.stats;
          written = [r.csv, ...writePrediction(pred, options.out, { plot: options.plot, abaw: options.abaw, skipCsv: true, stem })];
        } else {
          pred = await p.predict(file, { extracted: plan?.extracted.get(file), speaker: plan?.speaker.get(file) });
          plan?.extracted.delete(file);
          written = writePrediction(pred, options.out, { plot: options.plot, abaw: options.abaw, stem });
        }
        summary += summaryRow(file, pred, written, undefined, stats, standardised(file));
        report.predictions.push(pred);
      } catch (e) {
        const error = (e as Error).message;
        summary += summaryRow(file, null, [], error);
        report.failed.push({ file, error });
        options.onError?.(file, error);
        continue;
      }
      // Outside the file's try: a caller's display is not the file failing.
      options.onFile?.(file, pred, written);
    }
  } finally {
    p.dispose();
    writeFileAtomic(report.summary, summary);
  }
  return report;
}
