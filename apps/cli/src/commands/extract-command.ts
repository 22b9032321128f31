import * as os from 'node:os';
import { clearFeatureFolder, datasetItems, defaultPipeline, noteLines, parseDatasetSpec, parseSpeedFactors, PrecomputedFeatures, writeNoteReport, extractDataset, resolveShard } from '@mer/pipelines';
import { extractorModulesFromEnv } from './extractors-command';
import { ExtractReport, queueFromParent, runPool } from './extraction-pool';
import { checkPipeline } from './pipeline-commands';
import { Progress } from './progress';

export interface ExtractOptions {
  /** A registered network; absent: the default for the corpus ({@link defaultPipeline}), if it has one. */
  pipeline?: string;
  dataset: string;
  out: string;
  preset?: string;
  cropSize?: number;
  faces?: string;
  split?: string;
  fold?: number;
  limit?: number;
  visualEncoder?: string;
  audioEncoder?: string;
  textEncoder?: string;
  asrModel?: string;
  modelDir?: string;
  allowRemote?: boolean;
  stream?: string[];
  /** Clip-timed networks (AVT-CA): seconds and frames per clip instead of the network's (e.g. 2 for EmoDB's 2 s utterances). */
  clipSeconds?: number;
  clipFrames?: number;
  /** Worker processes on this machine (default: the number of cores). */
  jobs?: number;
  /** This process's shard, `i/N`; or `--shards N` with a scheduler's array index. */
  shard?: string;
  shards?: number;
  /** Precomputed-feature datasets (CMU-MOSEI): the folds file, the label task, steps per segment, `stream=file.csd` choices. */
  folds?: string;
  labels?: string;
  steps?: number;
  sequence?: string[];
  /** Replace the features already in --out. */
  overwrite?: boolean;
  /** Speed perturbation: `0.9,1.0,1.1` also extracts each item's copies at the factors other than 1. */
  speed?: string;
  /** Internal: a worker of a parallel run (the parent wrote items.json). */
  worker?: boolean;
  /** Internal: the worker takes chunks of items from its parent's queue. */
  queue?: boolean;
  json?: boolean;
}

type Report = ExtractReport;

/** `--stream audio=egemaps` → `{ audio: 'egemaps' }`. */
function parseStreamOptions(list: readonly string[]): Record<string, string> | undefined {
  if (list.length === 0) return undefined;
  return Object.fromEntries(
    list.map((kv) => {
      const [name, extractor] = kv.split('=');
      if (!name || !extractor) throw new Error(`--stream '${kv}': expected <stream>=<extractor>, e.g. audio=egemaps`);
      return [name, extractor];
    }),
  );
}

/** No --pipeline: the corpus' default by its declared rule (said once, by the parent), or an error saying why there is none. */
function chosenPipeline(opts: ExtractOptions, precomputed: boolean): string {
  const choice = precomputed ? { network: null, why: `${opts.dataset} holds precomputed features` } : defaultPipeline(datasetItems(opts.dataset, { fold: opts.fold }).items.map((i) => i.file));
  if (choice.network === null) throw new Error(`name the network with --pipeline (${choice.why}); e.g. --pipeline avt-ca`);
  if (!opts.worker && !opts.json) console.log(`pipeline: ${choice.network} — ${choice.why}`);
  return choice.network;
}

/**
 * `mer extract`: one process (`--jobs 1`), `--jobs N` worker processes writing into the one folder
 * (each item atomically; a rerun skips finished items), or one shard of the items (`--shard i/N`, or a
 * Kubernetes Indexed Job / Slurm array index) into a folder of its own for `mer features merge`.
 */
export async function extractCommand(opts: ExtractOptions): Promise<void> {
  const { definition, root } = parseDatasetSpec(opts.dataset);
  const pipeline = checkPipeline(opts.pipeline ?? chosenPipeline(opts, Boolean(definition.precomputed)));
  if (definition.precomputed) {
    if (opts.speed !== undefined) throw new Error(`--speed: ${opts.dataset} holds precomputed features, not recordings to speed-perturb`);
    return extractPrecomputedCommand(pipeline, definition.precomputed, root, opts);
  }
  if (opts.clipSeconds !== undefined && !(opts.clipSeconds > 0)) throw new Error(`--clip-seconds must be a positive number of seconds, got ${opts.clipSeconds}`);
  if (opts.faces !== undefined && !['detect', 'none', 'cropped-aligned'].includes(opts.faces)) throw new Error(`--faces must be detect, none or cropped-aligned, got '${opts.faces}'`);
  const shard = resolveShard({ shard: opts.shard, shards: opts.shards });
  if (opts.overwrite) {
    if (shard || opts.worker) throw new Error('--overwrite empties the whole features folder: run it without --shard (then extract the shards into the empty folder)');
    clearFeatureFolder(opts.out);
  }
  const jobs = shard ? 1 : (opts.jobs ?? os.availableParallelism());
  const modules = extractorModulesFromEnv();
  const common = {
    pipeline,
    dataset: opts.dataset,
    out: opts.out,
    preset: opts.preset,
    split: opts.split,
    fold: opts.fold,
    limit: opts.limit,
    speed: opts.speed !== undefined ? parseSpeedFactors(opts.speed) : undefined,
    extractor: {
      faces: opts.faces as 'detect' | 'none' | 'cropped-aligned' | undefined,
      visualEncoder: opts.visualEncoder,
      audioEncoder: opts.audioEncoder,
      textEncoder: opts.textEncoder,
      asrModel: opts.asrModel,
      streams: parseStreamOptions(opts.stream ?? []),
      // Extractor modules (mer --extractor) go with the features, so train, eval and predict load them again.
      modules: modules.length > 0 ? modules : undefined,
      clipSeconds: opts.clipSeconds,
      clipFrames: opts.clipFrames,
      cropSize: opts.cropSize,
      hub: opts.modelDir || opts.allowRemote ? { localModelPath: opts.modelDir, allowRemote: opts.allowRemote } : undefined,
    },
  };
  let report: Report;
  if (opts.queue) {
    report = await extractDataset({ ...common, index: 'skip', take: queueFromParent() });
  } else if (jobs > 1) {
    // The folder's items.json is the whole list; the processes take chunks of it from one queue.
    const { total } = await extractDataset({ ...common, index: 'only' });
    report = await runPool(jobs, total, Boolean(opts.json), (take) => extractDataset({ ...common, index: 'skip', take }));
  } else {
    let bar: Progress | null = null;
    report = await extractDataset({
      ...common,
      // A worker's shard is part of its parent's folder, whose items.json lists them all.
      shard,
      index: opts.worker ? 'skip' : 'write',
      onItem: (id, i, total, status) => {
        bar ??= new Progress(shard ? `extract ${shard.index}/${shard.count}` : 'extract', total, { silent: opts.json });
        bar.tick(i + 1, `${status} ${id}`);
      },
    });
  }
  if (opts.json) {
    console.log(JSON.stringify(report));
    return;
  }
  const how = jobs > 1 ? ` by ${jobs} processes` : shard ? ` (shard ${shard.index}/${shard.count})` : '';
  console.log(`${report.extracted.length} extracted${how}, ${report.skipped.length} already done (skipped), ${report.failed.length} failed → ${opts.out}`);
  for (const note of report.datasetNotes) console.log(`  ${note}`);
  // Repeated notes as one line each (count, examples); every item's notes in the folder's report.
  for (const line of noteLines(report.notes)) console.log(`  ${line}`);
  if (Object.keys(report.notes).length > 0) {
    console.log(`  every item's notes: ${writeNoteReport(opts.out, report)}`);
  }
  for (const f of report.failed) console.log(`  FAILED ${f.id}: ${f.error}`);
}

/** `mer extract` of a dataset whose features are precomputed files (CMU-MOSEI's computational sequences): the dataset writes the store. */
async function extractPrecomputedCommand(pipeline: string, precomputed: PrecomputedFeatures, root: string, opts: ExtractOptions): Promise<void> {
  let bar: Progress | null = null;
  const report = await precomputed.extract({
    pipeline,
    root,
    out: opts.out,
    folds: opts.folds,
    labels: opts.labels,
    steps: opts.steps,
    sequences: parseStreamOptions(opts.sequence ?? []),
    limit: opts.limit,
    onItem: (id, i, total, status) => {
      bar ??= new Progress('extract', total, { silent: opts.json });
      bar.tick(i + 1, `${status} ${id}`);
    },
  });
  if (opts.json) {
    console.log(JSON.stringify(report));
    return;
  }
  console.log(`${report.extracted.length} ${precomputed.written}, ${report.skipped.length} already done (skipped), ${report.failed.length} failed → ${opts.out}`);
  for (const note of report.datasetNotes) console.log(`  ${note}`);
  for (const f of report.failed) console.log(`  FAILED ${f.id}: ${f.error}`);
}
