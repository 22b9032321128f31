import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  committeeLine,
  readManifest,
  trainCommittee,
  evalRun,
  getTask,
  mergeFeatureStores,
  metricDetails,
  metricRows,
  predictFiles,
  selectionLine,
  SelectOn,
  figureKind,
  readRunSelection,
  runDemo,
  summariseMetrics,
  textTable,
  trainRun,
  networkNames,
  networkRecipe,
} from '@mer/pipelines';
import { analyzeCommand } from './analyze-command';
import { Progress } from './progress';
import { readTrainingConfig } from './training-options';

/** A registered network's name (the three published ones, and any a --recipe module registered). */
export function checkPipeline(name: string): string {
  if (!networkNames().includes(name)) throw new Error(`--pipeline must be one of ${networkNames().join(', ')}, got '${name}'`);
  return networkRecipe(name).name;
}


export async function trainCommand(opts: { features: string | string[]; out: string; preset?: string; profile?: string; config?: string; epochs?: number; fold?: number; resume?: boolean; overwrite?: boolean; select?: SelectOn; members?: number; utterance?: boolean; json?: boolean }): Promise<void> {
  const { training: rest, model, utterance: head } = readTrainingConfig(opts.config, opts.epochs);
  if (head && !opts.utterance) throw new Error(`${opts.config}: "utterance" sets the late-fused head; add --utterance to fuse the utterance stream`);
  // A committee: --members > 1, or resuming a run folder that holds one.
  const members = opts.members ?? (opts.resume ? committeeMembers(opts.out) : 1);
  const list = Array.isArray(opts.features) ? opts.features : [opts.features];
  // Several folders (the shards of one extraction): joined into the run's own features folder first.
  const featuresDir = list.length === 1 ? list[0] : path.join(opts.out, 'features');
  if (list.length > 1) mergeFeatureStores(list, featuresDir);
  let bar: Progress | null = null;
  let epochs = 0;
  let t0 = Date.now();
  let first = 0;
  let stage: string | undefined;
  const run: Parameters<typeof trainRun>[0] = {
    features: featuresDir,
    out: opts.out,
    preset: opts.preset,
    profile: opts.profile,
    training: rest,
    model,
    resume: opts.resume,
    overwrite: opts.overwrite,
    fold: opts.fold,
    select: opts.select,
    onStart: (info) => {
      epochs = info.epochs;
      t0 = Date.now();
      if (!opts.json) console.error(`preset ${info.preset}, ${info.epochs} epochs; ${selectionLine(info.selection)}`);
    },
    // A live bar per epoch on a terminal; in logs the epoch line below is the only line.
    onBatch: (epoch, done, total) => {
      if (done === 1) bar = new Progress(`epoch ${epoch}`, total, { silent: opts.json, linesEvery: 0 });
      if (done < total) bar?.tick(done);
      else bar?.stop();
    },
    onEpoch: (r) => {
      // A staged recipe's epochs count from 1 in each stage: its time per epoch is timed afresh.
      if (r.stage !== stage) [stage, first, t0] = [r.stage, 0, Date.now() - r.seconds * 1000];
      first ||= r.epoch;
      const perEpoch = (Date.now() - t0) / 1000 / (r.epoch - first + 1);
      const eta = epochs > r.epoch ? `, eta ${Math.round(perEpoch * (epochs - r.epoch))} s` : '';
      if (opts.json) console.log(JSON.stringify(r));
      else console.error(`${r.stage ? `stage '${r.stage}' ` : ''}epoch ${r.epoch}/${epochs}${eta}: train loss ${r.trainLoss.toFixed(4)}${r.validationScore !== undefined ? `, validation ${r.validationScore.toFixed(4)}` : ''}, lr ${r.learningRate.toExponential(2)}, ${r.seconds.toFixed(1)} s${r.best ? ' (best)' : ''}`);
    },
    onNote: (note) => console.error(`note: ${note}`),
    ...(opts.utterance ? { utterance: head ?? {} } : {}),
  };
  if (members > 1) {
    const { committee } = await trainCommittee({ ...run, members, onMember: (k, of, how) => !opts.json && console.error(`committee member ${k} of ${of}${how === 'done' ? ': trained before, kept' : how === 'resumed' ? ': resumed from its checkpoint' : ''}`) });
    if (!opts.json) console.log(`${committeeLine(committee)}; run folder ${opts.out} (pipeline.json records the committee; members/<k>/ each a run)`);
    return;
  }
  const { history, selection } = await trainRun(run);
  if (!opts.json) console.log(`${history.length} epochs; ${selectionLine(selection)}; run folder ${opts.out} (pipeline.json records the selection; metrics.jsonl, ${history.some((h) => h.stage) ? 'stages/<name>/' : 'checkpoint/'}, best/)`);
}

/** The committee size a run folder was started with (its committee.json), else 1. */
function committeeMembers(out: string): number {
  const file = path.join(out, 'committee.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { members: number }).members : 1;
}

export async function evalCommand(opts: { run: string; split: string; features?: string; json?: boolean }): Promise<void> {
  const m = await evalRun({ run: opts.run, split: opts.split, features: opts.features });
  // Held-out only when these items took no part in a choice (a different features folder: unknown).
  const selection = readRunSelection(opts.run);
  const kind = opts.features ? 'unknown' : figureKind(selection, opts.split);
  const committee = readManifest(opts.run).committee;
  if (opts.json) {
    console.log(JSON.stringify({ ...summariseMetrics(m), split: opts.split, figures: kind, ...(selection ? { selection } : {}), ...(committee ? { committee } : {}) }));
    return;
  }
  const what = kind === 'held-out' ? 'held-out' : kind === 'optimistic' ? 'OPTIMISTIC (this split chose the kept epoch, or trained)' : 'not known to be held-out (the run records no selection, or another features folder)';
  console.log(`${opts.split}: ${m.items} items, ${what}${committee ? `; ${committeeLine(committee)}` : selection ? `; ${selectionLine(selection)}` : ''}`);
  console.log(textTable(metricRows(m)));
  for (const d of metricDetails(m)) {
    console.log(`\n${d.heading}`);
    console.log(textTable(d.rows));
  }
}

export async function predictCommand(inputs: string[], opts: { run?: string; out: string; plot?: boolean; abaw?: boolean; recursive?: boolean; face?: string; workers?: number; speaker?: string; json?: boolean }): Promise<void> {
  if (inputs.length === 0) throw new Error('give at least one video file, folder or glob');
  if (!opts.run) {
    console.error('mer predict: no --run given (no trained network): running mer analyze — per-frame expressions from the pretrained model shipped with mer');
    const face = opts.face === 'main' || opts.face === undefined ? undefined : opts.face;
    return analyzeCommand(inputs, { out: opts.out, recursive: opts.recursive, face, json: opts.json });
  }
  const run = opts.run;
  const committee = readManifest(run).committee;
  if (committee && !opts.json) console.error(`${committeeLine(committee)}: each file gets the members' mean`);
  const face = opts.face === undefined ? undefined : checkFace(opts.face);
  let done = 0;
  const bar = new Progress('predict', inputs.length, { silent: opts.json });
  const tick = (file: string) => bar.tick(++done, path.basename(file));
  const report = await predictFiles({
    speaker: opts.speaker,
    run,
    files: inputs,
    out: opts.out,
    recursive: opts.recursive,
    face,
    plot: opts.plot,
    abaw: opts.abaw,
    workers: opts.workers ?? 1,
    onStart: (files) => bar.setTotal(files.length),
    onFile: (file, pred, written) => {
      tick(file);
      if (opts.json) {
        console.log(JSON.stringify(getTask(pred.task).json(pred, file, written)));
      } else {
        const what = getTask(pred.task).describe(pred);
        console.log(`${file}: ${what} → ${written.join(', ')}${pred.notes.length ? `\n  ${pred.notes.join('; ')}` : ''}`);
      }
    },
    onError: (file, error) => {
      tick(file);
      if (opts.json) console.log(JSON.stringify({ file, error }));
      console.error(`mer: ${error.startsWith(file) ? error : `${file}: ${error}`}`);
    },
  });
  if (!opts.json) console.log(`${report.predictions.length} predicted, ${report.failed.length} failed; summary: ${report.summary}`);
  if (report.failed.length > 0) process.exitCode = 1;
}

const FACES = ['main', 'largest', 'left', 'right'] as const;
function checkFace(face: string): (typeof FACES)[number] {
  if (!(FACES as readonly string[]).includes(face)) throw new Error(`--face must be one of ${FACES.join(', ')}, got '${face}'`);
  return face as (typeof FACES)[number];
}

export async function demoCommand(opts: { out: string; epochs?: number; pipelines?: string; json?: boolean }): Promise<void> {
  const pipelines = opts.pipelines ? opts.pipelines.split(',').map(checkPipeline) : undefined;
  const result = await runDemo({ out: opts.out, epochs: opts.epochs, pipelines, log: opts.json ? () => undefined : (l) => console.log(l) });
  if (opts.json) console.log(JSON.stringify(result));
}
