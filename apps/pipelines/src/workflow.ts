import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';
import { parseRavdessName, ravdessFoldSplit, writeAbawVaSubmission } from '@mer/datasets';
import type { ExtractionReport, PipelineExtractorOptions } from '@mer/feature-extractors';
import type { TrainingConfig } from '@mer/training';
import { datasetItems } from './dataset-items';
import { createPipeline, loadPipeline, Pipeline } from './pipeline';
import { readManifest } from './pipeline-manifest';
import type { FramePrediction, PipelineItem, PipelineMetrics, Prediction } from './pipeline-types';
import { circumplexSvg, htmlReport, metricRows, probabilitiesSvg, vaTimelineSvg } from './plots';
import type { EpochRecord } from './trainer';

/** `items.json` in a features folder: what `mer extract` wrote, what `mer train`/`eval` read. */
export interface FeatureIndex {
  /** The registered network the features were extracted for. */
  pipeline: string;
  dataset: string;
  classes?: readonly string[];
  extractor: PipelineExtractorOptions;
  items: { id: string; file: string; split?: string; speaker?: string; classLabel?: number; frameLabels?: number[]; transcript?: string }[];
}

export function readFeatureIndex(featuresDir: string): FeatureIndex {
  const file = path.join(featuresDir, 'items.json');
  if (!fs.existsSync(file)) throw new Error(`${featuresDir}: no items.json — run 'mer extract' into this folder first`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureIndex;
}

export function toItems(index: FeatureIndex, split?: string): PipelineItem[] {
  return index.items
    .filter((i) => split === undefined || i.split === split)
    .map((i) => ({ ...i, frameLabels: i.frameLabels ? Float32Array.from(i.frameLabels) : undefined }));
}

/** Extracts a dataset's items into `out` (resumable) and writes `out/items.json`. */
export async function extractDataset(options: {
  pipeline: string;
  dataset: string;
  out: string;
  extractor?: PipelineExtractorOptions;
  split?: string;
  fold?: number;
  limit?: number;
  items?: PipelineItem[];
  classes?: readonly string[];
  onItem?: (id: string, index: number, total: number, status: string) => void;
}): Promise<ExtractionReport & { total: number }> {
  const ds = options.items ? { items: options.items, classes: options.classes } : datasetItems(options.dataset, { split: options.split, fold: options.fold, audioOnly: false });
  const items = options.limit ? ds.items.slice(0, options.limit) : ds.items;
  fs.mkdirSync(options.out, { recursive: true });
  const index: FeatureIndex = {
    pipeline: options.pipeline,
    dataset: options.dataset,
    classes: ds.classes,
    extractor: options.extractor ?? {},
    items: items.map((i) => ({ ...i, frameLabels: i.frameLabels ? Array.from(i.frameLabels) : undefined })),
  };
  writeFileAtomic(path.join(options.out, 'items.json'), JSON.stringify(index));
  const p = await createPipeline(options.pipeline, { extractor: options.extractor, classes: ds.classes });
  try {
    const report = await p.extract(items, options.out, (id, i, status) => options.onItem?.(id, i, items.length, status));
    return { ...report, total: items.length };
  } finally {
    p.dispose();
  }
}

/** Trains on a features folder's 'train' split (validating on 'validation', else 'test'); writes the run folder. */
export async function trainRun(options: {
  features: string;
  out: string;
  preset?: string;
  training?: Partial<TrainingConfig>;
  model?: Record<string, unknown>;
  resume?: boolean;
  stopAfter?: number;
  /** RAVDESS speaker fold 1–6: its 4 actors are the validation/test split, the rest train. */
  fold?: number;
  /** Replaces every item's split (cross-validation folds). */
  resplit?: (item: FeatureIndex['items'][number]) => string;
  /** Which split selects the epoch: 'validation' only (never the test speakers), or (default) 'validation', else 'test'. */
  selectOn?: 'validation' | 'validation-else-test';
  onEpoch?: (r: EpochRecord) => void;
  onBatch?: (epoch: number, done: number, total: number) => void;
}): Promise<{ history: EpochRecord[]; pipeline: string }> {
  const index = readFeatureIndex(options.features);
  if (options.resplit) index.items = index.items.map((i) => ({ ...i, split: options.resplit!(i) }));
  if (options.fold !== undefined) {
    if (!index.dataset.startsWith('ravdess')) throw new Error(`--fold: speaker folds are defined for RAVDESS (1–6); ${options.features} holds '${index.dataset}' — choose the split at extraction (--split)`);
    index.items = index.items.map((i) => ({ ...i, split: ravdessFoldSplit(parseRavdessName(i.file).actor, options.fold!) }));
  }
  const train = toItems(index, 'train');
  if (train.length === 0) throw new Error(`${options.features}/items.json: no items in split 'train'`);
  const inner = toItems(index, 'validation');
  const validation = inner.length > 0 || options.selectOn === 'validation' ? inner : toItems(index, 'test');
  let preset = options.preset;
  let training = options.training;
  let model = options.model;
  if (options.resume) {
    // A resumed run keeps the setup it was started with.
    const manifest = readManifest(options.out);
    preset = manifest.preset;
    training = manifest.training;
    model = manifest.model;
  }
  const p = await createPipeline(index.pipeline, { preset, extractor: index.extractor, training, classes: index.classes, model });
  try {
    writeFileAtomic(path.join(options.out, 'source.json'), JSON.stringify({ features: path.resolve(options.features) }));
    const history = await p.fit(train, { validation, featuresDir: options.features, runDir: options.out, resume: options.resume, stopAfter: options.stopAfter, onEpoch: options.onEpoch, onBatch: options.onBatch });
    return { history, pipeline: index.pipeline };
  } finally {
    p.dispose();
  }
}

/** Evaluates a run on one split of its features folder (or another features folder). */
export async function evalRun(options: { run: string; split: string; features?: string }): Promise<PipelineMetrics> {
  const source = path.join(options.run, 'source.json');
  if (!options.features && !fs.existsSync(source)) throw new Error(`${options.run}: not a mer training run (no source.json); give --features to evaluate on a features folder`);
  const features = options.features ?? (JSON.parse(fs.readFileSync(source, 'utf8')) as { features: string }).features;
  const items = toItems(readFeatureIndex(features), options.split);
  if (items.length === 0) throw new Error(`${features}/items.json: no items in split '${options.split}'`);
  const p = await loadPipeline(options.run);
  try {
    return await p.evaluate(items, { featuresDir: features });
  } finally {
    p.dispose();
  }
}

/** Writes one prediction's files: CSV (+ ABAW file), optional plots and HTML report. Returns their paths. */
export function writePrediction(pred: Prediction, outDir: string, options: { plot?: boolean; abaw?: boolean; labels?: Float32Array; skipCsv?: boolean } = {}): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const stem = path.basename(pred.file).replace(/\.[^.]+$/, '');
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
async function predictVaToCsv(p: Pipeline, file: string, out: string, keepRows: boolean): Promise<{ pred: Prediction; csv: string }> {
  fs.mkdirSync(out, { recursive: true });
  const stem = path.basename(file).replace(/\.[^.]+$/, '');
  const csv = path.join(out, `${stem}.csv`);
  const tmp = path.join(out, `.${stem}.csv.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  const frames: FramePrediction[] = [];
  try {
    fs.writeSync(fd, CSV_HEADER);
    const r = await p.predictStream(file, (rows) => {
      fs.writeSync(fd, rows.map(csvLine).join(''));
      if (keepRows) frames.push(...rows);
    });
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, csv);
    return { pred: { task: 'va', file, fps: r.fps, frameCount: r.frames, frames, notes: r.notes }, csv };
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Loads a run and predicts every file, writing results into `outDir` (per-frame CSVs streamed). */
export async function predictFiles(options: { run: string; files: string[]; out: string; plot?: boolean; abaw?: boolean; onFile?: (file: string, pred: Prediction, written: string[]) => void }): Promise<Prediction[]> {
  const p = await loadPipeline(options.run);
  const preds: Prediction[] = [];
  try {
    for (const file of options.files) {
      if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
      let pred: Prediction;
      let written: string[];
      if (p.task === 'va') {
        const r = await predictVaToCsv(p, file, options.out, Boolean(options.plot || options.abaw));
        pred = r.pred;
        written = [r.csv, ...writePrediction(pred, options.out, { plot: options.plot, abaw: options.abaw, skipCsv: true })];
      } else {
        pred = await p.predict(file);
        written = writePrediction(pred, options.out, { plot: options.plot, abaw: options.abaw });
      }
      options.onFile?.(file, pred, written);
      preds.push(pred);
    }
  } finally {
    p.dispose();
  }
  return preds;
}

export type { Pipeline };
export { metricRows };
