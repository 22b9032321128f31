import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FaceSelection } from '@mer/feature-extractors';
import { writeFileAtomic } from '@mer/media';
import { glob } from 'tinyglobby';
import { loadPipeline } from './pipeline-loading';
import { planSpeakers } from './speaker-prediction';
import type { Prediction } from './pipeline-types';
import type { PredictedFile, WritePredictionOptions } from './tasks/task-definition';
import { getTask } from './tasks/task-registry';

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

/** Writes one prediction's files as its task writes them: CSV (+ ABAW file), optional plots and HTML report. Returns their paths. */
export function writePrediction(pred: Prediction, outDir: string, options: WritePredictionOptions = {}): string[] {
  const stem = options.stem ?? path.basename(pred.file).replace(/\.[^.]+$/, '');
  return getTask(pred.task).writePrediction(pred, outDir, stem, options);
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

/** A summary row: the task's cells from `frames` to `confidence` between the file's status and its outputs. */
function summaryRow(file: string, done: PredictedFile | null, error?: string, standardised = ''): string {
  if (!done) return `${q(file)},failed,,,,,,,,,,,${q(error ?? '')}\n`;
  return `${q(file)},ok,${done.summary},${q(done.written.map((w) => path.basename(w)).join(' '))},${q(standardised)},${q(done.pred.notes.join('; '))}\n`;
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
    // Per-speaker runs of clip tasks: the speakers' statistics over all the inputs first (a streamed
    // per-frame task standardises each recording by itself).
    const plan = !p.task.stream && p.training.standardise === 'speaker' ? await planSpeakers(p, options.run, files, options.speaker) : null;
    const standardised = (file: string) => plan?.how.get(file) ?? (p.training.standardise === 'speaker' ? 'this recording alone' : 'training split');
    for (const file of files) {
      let done: PredictedFile;
      try {
        if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
        if (plan?.failed.has(file)) throw new Error(plan.failed.get(file));
        done = await p.task.predictFile(p, file, { out: options.out, stem: names.get(file)!, plot: options.plot, abaw: options.abaw, extracted: plan?.extracted.get(file), speaker: plan?.speaker.get(file) });
        plan?.extracted.delete(file);
        summary += summaryRow(file, done, undefined, standardised(file));
        report.predictions.push(done.pred);
      } catch (e) {
        const error = (e as Error).message;
        summary += summaryRow(file, null, error);
        report.failed.push({ file, error });
        options.onError?.(file, error);
        continue;
      }
      // Outside the file's try: a caller's display is not the file failing.
      options.onFile?.(file, done.pred, done.written);
    }
  } finally {
    p.dispose();
    writeFileAtomic(report.summary, summary);
  }
  return report;
}
