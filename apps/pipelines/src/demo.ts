import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';
import { DEMO_CLASSES, generateClassDemo, generateVaDemo } from './demo-data';
import { BUILT_IN_NETWORKS, resolveRecipe } from './network-registry';
import type { PipelineItem } from './pipeline-types';
import { htmlReport } from './plots';
import { metricRows } from './evaluation';
import type { DemoSetup } from './tasks/task-definition';
import { taskFor } from './tasks/task-registry';
import { textTable } from './text-table';
import { predictFiles } from './prediction-output';
import { evalRun, extractDataset, trainRun } from './workflow';
import { selectionLine } from './selection';

export const DEMO_DATA_DESCRIPTION =
  'Demo data: synthetic clips generated here by ffmpeg (no third-party media, no faces). VA clips: a textured grey picture whose ' +
  'brightness follows valence and a tone whose loudness and pitch follow arousal (slow random curves = the per-frame labels). ' +
  'Classification clips: 4 classes = {dark, bright picture} × {low, high tone} with random jitter. The face stage runs in ' +
  "'none' mode (whole centred frame) because there are no faces; encoders are the embedded offline defaults.";

export interface DemoRow {
  pipeline: string;
  /** The task the pipeline learned ('va', 'classification'). */
  task: string;
  metric: string;
  value: number;
  chance: number;
  trainSeconds: number;
  epochs: number;
  samplesPerSecond: number;
  predictFile: string;
}

/** The synthetic sets a task's demo runs on, each generated into `dir` (in this order). */
const DEMO_DATA: Record<DemoSetup['data'], (dir: string) => PipelineItem[]> = {
  va: (dir) => generateVaDemo({ dir }),
  classes: (dir) => generateClassDemo({ dir }),
};

export interface DemoResult {
  out: string;
  data: string;
  rows: DemoRow[];
  report: string;
  seconds: number;
}

/**
 * `mer demo`: builds the synthetic dataset, then for each pipeline runs extract → train (lite) →
 * eval on the held-out clips → predict on one raw held-out clip with plots, and writes a summary
 * table and an HTML report into `out`.
 */
export async function runDemo(options: { out: string; pipelines?: string[]; epochs?: number; log?: (line: string) => void }): Promise<DemoResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const t0 = Date.now();
  const out = path.resolve(options.out);
  fs.mkdirSync(out, { recursive: true });
  log(DEMO_DATA_DESCRIPTION);
  const recipes = options.pipelines ? options.pipelines.map((n) => resolveRecipe(n)) : BUILT_IN_NETWORKS;
  const noDemo = recipes.find((r) => !r.demo);
  if (noDemo) throw new Error(`${noDemo.name}: the recipe has no demo setup`);
  const runs = recipes.map((recipe) => ({ recipe, task: taskFor(recipe) }));
  const noData = runs.find((r) => !r.task.demo);
  if (noData) throw new Error(`${noData.recipe.name}: the demo has no ${noData.task.name} task`);
  const data = new Map<DemoSetup['data'], PipelineItem[]>();
  for (const [kind, generate] of Object.entries(DEMO_DATA) as [DemoSetup['data'], (dir: string) => PipelineItem[]][]) {
    if (runs.some((r) => r.task.demo!.data === kind)) data.set(kind, generate(path.join(out, 'data', kind)));
  }
  log(`generated ${data.get('va')?.length ?? 0} valence-arousal clips and ${data.get('classes')?.length ?? 0} classification clips in ${path.join(out, 'data')}`);
  const rows: DemoRow[] = [];
  const sections: Parameters<typeof htmlReport>[1] = [{ heading: 'data', text: [DEMO_DATA_DESCRIPTION] }];
  for (const { recipe, task } of runs) {
    const pipeline = recipe.name;
    const setup = task.demo!;
    const items = data.get(setup.data)!;
    const classes = task.needsClasses ? DEMO_CLASSES : undefined;
    // Each run of the demo starts its pipelines afresh (its data are regenerated, and defaults may have changed).
    fs.rmSync(path.join(out, pipeline), { recursive: true, force: true });
    const features = path.join(out, pipeline, 'features');
    const run = path.join(out, pipeline, 'run');
    log(`\n[${pipeline}] extract ${items.length} clips → ${features}`);
    const report = await extractDataset({ pipeline, dataset: 'demo', out: features, items, classes, extractor: { faces: 'none' }, preset: recipe.demo?.preset });
    if (report.failed.length > 0) throw new Error(`[${pipeline}] extraction failed: ${report.failed[0].file}: ${report.failed[0].error}`);
    const demo = recipe.demo!;
    const training = { ...demo.training, ...(options.epochs ? { epochs: options.epochs } : {}) };
    const epochs = training.epochs ?? 0;
    const trainStart = Date.now();
    const trainCount = items.filter((i) => i.split === 'train').length;
    const { history, selection } = await trainRun({
      features,
      out: run,
      preset: demo.preset,
      profile: demo.profile ?? 'paper',
      training,
      // The test clips take no part: an inner validation split of the training clips selects the epoch.
      onStart: (info) => log(`[${pipeline}] ${selectionLine(info.selection)}`),
      onEpoch: (r) => log(`[${pipeline}] epoch ${r.epoch}/${epochs}: train loss ${r.trainLoss.toFixed(4)}, inner validation ${task.selection.metric} ${r.validationScore?.toFixed(3)} (${r.seconds.toFixed(1)} s)`),
    });
    const trainSeconds = (Date.now() - trainStart) / 1000;
    const metrics = await evalRun({ run, split: 'test' });
    const test = items.filter((i) => i.split === 'test');
    const predictions = path.join(out, pipeline, 'predictions');
    const {
      predictions: [pred],
    } = await predictFiles({ run, files: [test[0].file], out: predictions, plot: true });
    const row: DemoRow = { pipeline, task: task.name, metric: setup.metric, value: task.selection.score(metrics), chance: setup.chance(classes), trainSeconds, epochs: history.length, samplesPerSecond: (trainCount * history.length) / trainSeconds, predictFile: pred.file };
    rows.push(row);
    writeFileAtomic(path.join(out, pipeline, 'metrics.json'), JSON.stringify(metrics, null, 2));
    log(`[${pipeline}] ${selectionLine(selection)}`);
    log(`[${pipeline}] held-out ${row.metric} ${row.value.toFixed(3)} (chance ${row.chance.toFixed(3)}); predictions and plots in ${predictions}`);
    sections.push({ heading: pipeline, text: [`trained ${history.length} epochs in ${trainSeconds.toFixed(1)} s on ${trainCount} clips (${demo.preset} preset)`], table: metricRows(metrics), svgs: task.plots(pred, path.basename(pred.file)) });
  }
  const reportFile = path.join(out, 'report.html');
  writeFileAtomic(reportFile, htmlReport('mer demo', sections));
  writeFileAtomic(path.join(out, 'summary.json'), JSON.stringify(rows, null, 2));
  log(`\n${summaryTable(rows)}\nreport: ${reportFile}`);
  return { out, data: DEMO_DATA_DESCRIPTION, rows, report: reportFile, seconds: (Date.now() - t0) / 1000 };
}

/** The summary as an aligned text table. */
export function summaryTable(rows: readonly DemoRow[]): string {
  const head = ['pipeline', 'held-out metric', 'value', 'chance', 'epochs', 'train s'];
  const body = rows.map((r) => [r.pipeline, r.metric, r.value.toFixed(3), r.chance.toFixed(3), String(r.epochs), r.trainSeconds.toFixed(1)]);
  return textTable([head, ...body], { rule: true });
}
