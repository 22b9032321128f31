import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';
import { ClipDataset } from '../clip-dataset';
import type { Prediction } from '../pipeline-types';
import { htmlReport, probabilitiesSvg } from '../plots';
import { classifyClip, clipScores } from './clip-scores';
import type { ClipReading, TaskDefinition } from './task-definition';

type ClipPrediction = Extract<Prediction, { task: 'classification' }>;

/** What a clip task states itself; the rest (batches, evaluation, prediction, files) is shared. */
export type ClipTaskSpec = Pick<TaskDefinition, 'name' | 'description' | 'mismatch' | 'manifest' | 'checkLabels' | 'classWeights' | 'loss' | 'mixup' | 'selection' | 'summary' | 'metricRows' | 'details' | 'demo'> & {
  clip: ClipReading;
};

/** The CSV of one clip's prediction: `file,label,p_<class>…` and one row. */
function clipCsv(pred: ClipPrediction): string {
  return `file,label,${pred.classes.map((c) => `p_${c}`).join(',')}\n${path.basename(pred.file)},${pred.label},${pred.probabilities.map((p) => p.toFixed(6)).join(',')}\n`;
}

/**
 * A task on clip logits (one label set per clip): clips batched per modality, scored in batches of 32
 * for evaluation, predicted whole; one CSV row per file with each class's probability.
 */
export function clipTask(spec: ClipTaskSpec): TaskDefinition {
  const { clip } = spec;
  const task: TaskDefinition = {
    ...spec,
    network: 'classification',
    needsClasses: true,
    dataset: (stores, items) => new ClipDataset(stores, items),
    evaluator: (model, stores, items, options) => {
      const data = new ClipDataset(stores, items);
      return async () => clip.metrics(items, await clipScores(model, data, clip), options.classes!);
    },
    async predict(ctx, file, options) {
      const item = await ctx.inputs(file, options);
      const { probabilities, label } = await classifyClip(ctx.network, item.streams, ctx.classes!, clip);
      return { task: 'classification', file, classes: ctx.classes!, probabilities, label, notes: item.notes };
    },
    async predictFile(p, file, options) {
      const pred = (await p.predict(file, { extracted: options.extracted, speaker: options.speaker })) as ClipPrediction;
      const written = task.writePrediction(pred, options.out, options.stem, { plot: options.plot, abaw: options.abaw });
      return { pred, written, summary: `,,,,,,${pred.label},${Math.max(...pred.probabilities).toFixed(4)}` };
    },
    writePrediction(prediction, outDir, stem, options) {
      const pred = prediction as ClipPrediction;
      fs.mkdirSync(outDir, { recursive: true });
      const written = [path.join(outDir, `${stem}.csv`)];
      writeFileAtomic(written[0], clipCsv(pred));
      if (options.plot) {
        const [bars] = task.plots(pred, stem);
        writeFileAtomic(path.join(outDir, `${stem}.probabilities.svg`), bars);
        writeFileAtomic(path.join(outDir, `${stem}.report.html`), htmlReport(`mer predict: ${path.basename(pred.file)}`, [{ heading: `predicted: ${pred.label}`, text: pred.notes, svgs: [bars] }]));
        written.push(path.join(outDir, `${stem}.probabilities.svg`), path.join(outDir, `${stem}.report.html`));
      }
      return written;
    },
    describe: (pred) => {
      const c = pred as ClipPrediction;
      return `${c.label} (p=${Math.max(...c.probabilities).toFixed(3)})`;
    },
    json: (pred, _file, written) => ({ ...pred, written }),
    plots: (pred, name) => {
      const c = pred as ClipPrediction;
      return [probabilitiesSvg(c.classes, c.probabilities, `${name}: ${c.label}`)];
    },
  };
  return task;
}
