import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAbawVaSubmission } from '@mer/datasets';
import { AtomicFileWriter, writeFileAtomic } from '@mer/media';
import type { Pipeline } from '../pipeline';
import type { FramePrediction, Prediction, PredictOptions } from '../pipeline-types';
import { circumplexSvg, htmlReport, vaTimelineSvg } from '../plots';
import { faceColumns, predictFrames, predictFramesStreamed } from './frame-inference';
import type { PredictedFile, PredictFileOptions, PredictionContext, TaskDefinition, WritePredictionOptions } from './task-definition';

type FramesPrediction = Extract<Prediction, { task: 'va' }>;

/** The whole recording extracted first, then its windows: every row at once. */
async function wholeRecording(ctx: PredictionContext, file: string, options: PredictOptions): Promise<FramesPrediction> {
  const item = await ctx.inputs(file, options);
  const va = await predictFrames(ctx.network, ctx.windowSize, item.streams, item.frames);
  const frames: FramePrediction[] = Array.from({ length: item.frames }, (_, t) => ({ frame: t, time: item.times[t], ...faceColumns(item.faces, t), valence: va[t * 2], arousal: va[t * 2 + 1] }));
  return { task: 'va', file, fps: item.fps, frameCount: item.frames, frames, notes: item.notes };
}

/**
 * Per-frame rows streamed (memory does not grow with the video's length); a network trained per
 * speaker needs the whole recording's statistics first: its rows come at once.
 */
export const streamFrames: NonNullable<TaskDefinition['stream']> = async (ctx, file, onRows, options) => {
  if (ctx.standardise === 'speaker') {
    const p = await wholeRecording(ctx, file, { ...options, streaming: false });
    await onRows(p.frames);
    return { frames: p.frameCount, fps: p.fps, notes: p.notes };
  }
  return predictFramesStreamed(ctx.network, ctx.windowSize, ctx.extractor, file, onRows, options);
};

/** Per-frame valence/arousal: streamed unless `streaming: false` or the features are given. */
export const predictFramesOf: TaskDefinition['predict'] = async (ctx, file, options) => {
  if (options.streaming !== false && !options.extracted) {
    const frames: FramePrediction[] = [];
    const r = await streamFrames(ctx, file, (rows) => void frames.push(...rows), options);
    return { task: 'va', file, fps: r.fps, frameCount: r.frames, frames, notes: r.notes };
  }
  return wholeRecording(ctx, file, options);
};

/** Per-frame columns in OpenFace / py-feat order: frame, time, face, then the predictions. */
const CSV_HEADER = 'frame,timestamp,face_x,face_y,face_w,face_h,face_score,success,valence,arousal\n';
const csvLine = (f: FramePrediction) =>
  `${f.frame},${f.time.toFixed(4)},${f.faceX.toFixed(1)},${f.faceY.toFixed(1)},${f.faceW.toFixed(1)},${f.faceH.toFixed(1)},${f.faceScore.toFixed(3)},${f.success},${f.valence.toFixed(6)},${f.arousal.toFixed(6)}\n`;

/** Running sums over a file's rows, for the summary. */
interface RowStats {
  rows: number;
  faces: number;
  valence: number;
  arousal: number;
}

/**
 * Per-frame prediction written to `<out>/<stem>.csv` as rows arrive (temp file, renamed when
 * complete), keeping rows in memory only when plots or the ABAW file need them.
 */
async function predictToCsv(p: Pipeline, file: string, out: string, stem: string, keepRows: boolean): Promise<{ pred: FramesPrediction; csv: string; stats: RowStats }> {
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

/** Writes a per-frame prediction's files: CSV, ABAW file, plots and HTML report as asked. */
function writeFrames(prediction: Prediction, outDir: string, stem: string, options: WritePredictionOptions): string[] {
  const pred = prediction as FramesPrediction;
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  if (!options.skipCsv) {
    written.push(path.join(outDir, `${stem}.csv`));
    writeFileAtomic(written[0], CSV_HEADER + pred.frames.map(csvLine).join(''));
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
  return written;
}

/** One file of `predictFiles`: the CSV streamed, then the other files; its summary cells from the rows. */
async function predictFramesFile(p: Pipeline, file: string, options: PredictFileOptions): Promise<PredictedFile> {
  // Rows are kept in memory only when plots or the ABAW file need them.
  const r = await predictToCsv(p, file, options.out, options.stem, Boolean(options.plot || options.abaw));
  const written = [r.csv, ...writeFrames(r.pred, options.out, options.stem, { plot: options.plot, abaw: options.abaw, skipCsv: true })];
  const s = r.stats;
  const mean = (k: 'valence' | 'arousal') => (s.rows ? (s[k] / s.rows).toFixed(4) : '');
  const faces = s.rows ? String(s.faces) : '';
  const vfr = r.pred.notes.some((x) => x.startsWith('variable frame rate')) ? 1 : 0;
  return { pred: r.pred, written, summary: `${r.pred.frameCount},${r.pred.fps.toFixed(3)},${faces},${vfr},${mean('valence')},${mean('arousal')},,` };
}

/** The prediction side of a per-frame valence/arousal task. */
export const FRAME_PREDICTIONS: Pick<TaskDefinition, 'predict' | 'stream' | 'predictFile' | 'writePrediction' | 'describe' | 'json' | 'plots'> = {
  predict: predictFramesOf,
  stream: streamFrames,
  predictFile: predictFramesFile,
  writePrediction: writeFrames,
  describe: (pred) => `${(pred as FramesPrediction).frameCount} frames`,
  json: (pred, file, written) => {
    const f = pred as FramesPrediction;
    return { file, task: f.task, frames: f.frameCount, fps: f.fps, written, notes: f.notes };
  },
  plots: (pred, name) => {
    const f = pred as FramesPrediction;
    return [vaTimelineSvg(f.frames, { title: name }), circumplexSvg(f.frames)];
  },
};
