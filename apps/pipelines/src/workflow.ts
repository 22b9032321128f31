import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';
import { datasetName, findDataset, foldSplit } from '@mer/datasets';
import { mergeExtractionReports, type ExtractionReport, type PipelineExtractorOptions } from '@mer/feature-extractors';
import type { TrainingConfig } from '@mer/training';
import { datasetItems } from './dataset-items';
import { idsHash, Shard, shardItems } from './sharding';
import { createPipeline, loadPipeline } from './pipeline-loading';
import { readManifest } from './pipeline-manifest';
import type { FitOptions, PipelineItem, PipelineMetrics } from './pipeline-types';
import { metricRows } from './evaluation';
import type { EpochRecord } from './trainer';
import { innerValidationSplit, SelectOn, Selection } from './selection';
import { resolveRecipe } from './network-registry';
import { holdsCheckpoint, prepareRunFolder, removeRunFiles, resumedSetup } from './run-folders';
import { trainingConfig } from './training-config';
import { extractWithCopies, isAugmentedCopy, trainingCopies, withSpeedCopies } from './speed-copies';
import { recordedUtterance, UTTERANCE_STREAM, type UtteranceFusionConfig } from './utterance-fusion';
import { memberValidationSplit } from './committee-selection';

/** `items.json` in a features folder: what `mer extract` wrote, what `mer train`/`eval` read. */
export interface FeatureIndex {
  /** The registered network the features were extracted for. */
  pipeline: string;
  dataset: string;
  classes?: readonly string[];
  /** Multi-label targets (each class present or not), e.g. CMU-MOSEI's six emotions. */
  multiLabel?: boolean;
  extractor: PipelineExtractorOptions;
  /** The preset the streams were extracted for (`mer extract --preset`; training takes it when none is named). Absent in older folders. */
  preset?: string;
  items: { id: string; file: string; split?: string; speaker?: string; person?: 'left' | 'right'; faceCrops?: string; classLabel?: number; multiLabel?: number[]; frameLabels?: number[]; transcript?: string; augmentOf?: string; speed?: number }[];
  /** Set when this folder holds one shard of a larger extraction (`mer features merge` joins them). */
  shard?: Shard & { totalItems: number; idsHash: string };
}

export function readFeatureIndex(featuresDir: string): FeatureIndex {
  const file = path.join(featuresDir, 'items.json');
  if (!fs.existsSync(file)) throw new Error(`${featuresDir}: no items.json — run 'mer extract' into this folder first`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureIndex;
}

/**
 * An item's speaker: recorded at extraction, else read from the file name by the dataset's
 * `speakerOfFile` (folders written before speakers were recorded); undefined when neither says.
 */
export function recordedSpeaker(dataset: string, item: Pick<FeatureIndex['items'][number], 'speaker' | 'file'>): string | undefined {
  if (item.speaker) return item.speaker;
  try {
    return findDataset(datasetName(dataset))?.speakerOfFile?.(item.file);
  } catch {
    return undefined;
  }
}

/** A split's items (every item without `split`); augmented copies are left out: they only train, with their source (`withTrainingCopies`). */
export function toItems(index: FeatureIndex, split?: string, copies = false): PipelineItem[] {
  return index.items
    .filter((i) => (split === undefined || i.split === split) && isAugmentedCopy(i) === copies)
    .map((i) => ({ ...i, speaker: recordedSpeaker(index.dataset, i), frameLabels: i.frameLabels ? Float32Array.from(i.frameLabels) : undefined, multiLabel: i.multiLabel ? Float32Array.from(i.multiLabel) : undefined }));
}

/** Extracts a dataset's items into `out` (resumable) and writes `out/items.json`. */
export async function extractDataset(options: {
  pipeline: string;
  dataset: string;
  out: string;
  extractor?: PipelineExtractorOptions;
  /** The preset to extract for: its streams' extractors (e.g. AVT-CA's paper preset: face crops). Default: the network's default preset. */
  preset?: string;
  split?: string;
  fold?: number;
  limit?: number;
  items?: PipelineItem[];
  classes?: readonly string[];
  /** Extract only this shard's items (its own items.json says which shard of how many). */
  shard?: Shard | null;
  /** 'write' (default) the folder's items.json; 'only' write it and extract nothing; 'skip' it (parallel workers). */
  index?: 'write' | 'only' | 'skip';
  /** Parallel extraction: chunks of item indices from a shared queue, taken until it gives null (the models load once). */
  take?: () => Promise<readonly number[] | null>;
  onItem?: (id: string, index: number, total: number, status: string) => void;
  /** Speed perturbation: each item also at these factors (1 is the item), as copies `<id>~sp<factor>` (`withSpeedCopies`). */
  speed?: readonly number[];
}): Promise<ExtractionReport & { total: number; datasetNotes: string[] }> {
  const ds = options.items ? { items: options.items, classes: options.classes } : datasetItems(options.dataset, { split: options.split, fold: options.fold, audioOnly: false });
  const all = withSpeedCopies(options.limit ? ds.items.slice(0, options.limit) : ds.items, options.speed ?? []);
  const items = shardItems(all, options.shard ?? null);
  const dsNotes = 'notes' in ds ? ds.notes : [];
  // The dataset's own aligned face crops are the faces when it has them (Aff-Wild2 cropped_aligned).
  const extractor: PipelineExtractorOptions = { ...options.extractor, faces: options.extractor?.faces ?? (items.some((i) => i.faceCrops) ? 'cropped-aligned' : undefined) };
  const presets = resolveRecipe(options.pipeline).presets;
  if (options.preset !== undefined && !presets.includes(options.preset)) throw new Error(`${options.pipeline}: no preset '${options.preset}' (its presets: ${presets.join(', ')})`);
  fs.mkdirSync(options.out, { recursive: true });
  const index: FeatureIndex = {
    pipeline: options.pipeline,
    dataset: options.dataset,
    classes: ds.classes,
    extractor,
    preset: options.preset ?? resolveRecipe(options.pipeline).defaultPreset,
    items: items.map((i) => ({ ...i, frameLabels: i.frameLabels ? Array.from(i.frameLabels) : undefined, multiLabel: i.multiLabel ? Array.from(i.multiLabel) : undefined })),
    shard: options.shard ? { ...options.shard, totalItems: all.length, idsHash: idsHash(all.map((i) => i.id)) } : undefined,
  };
  if (options.index !== 'skip') writeFileAtomic(path.join(options.out, 'items.json'), JSON.stringify(index));
  if (options.index === 'only') return { extracted: [], skipped: [], failed: [], notes: {}, total: items.length, datasetNotes: dsNotes };
  // `--stream utterance=<extractor>` adds the utterance stream a late-fused run reads (`withUtteranceFusion`).
  const p = await createPipeline(options.pipeline, { extractor, classes: ds.classes, preset: index.preset, ...(extractor.streams?.[UTTERANCE_STREAM] && !resolveRecipe(options.pipeline).streams.some((d) => d.name === UTTERANCE_STREAM) ? { utterance: {} } : {}) });
  try {
    if (!options.take) {
      const report = await extractWithCopies((xs, on) => p.extract(xs, options.out, on), items, (id, i, status) => options.onItem?.(id, i, items.length, status));
      return { ...report, total: items.length, datasetNotes: dsNotes };
    }
    const reports: ExtractionReport[] = [];
    for (let chunk = await options.take(); chunk; chunk = await options.take()) {
      reports.push(await extractWithCopies((xs, on) => p.extract(xs, options.out, on), chunk.map((k) => items[k]), (id, i, status) => options.onItem?.(id, chunk![i], items.length, status)));
    }
    return { ...mergeExtractionReports(reports), total: items.length, datasetNotes: dsNotes };
  } finally {
    p.dispose();
  }
}

/** A features folder's items re-split by its dataset's official fold (RAVDESS 1–6, Aff-Wild2 1–6). */
function foldItems(index: FeatureIndex, fold: number, features: string): FeatureIndex['items'] {
  return foldSplit(findDataset(datasetName(index.dataset)), index.items, fold, `${features} holds '${index.dataset}'`);
}

/**
 * Trains on a features folder's 'train' split and writes the run folder. What selects the kept epoch
 * comes from training data only (`select`, default 'auto': the 'validation' split, else an inner
 * validation split carved out of 'train'); the 'test' split is not read unless `select: 'test'`.
 */
export async function trainRun(options: {
  features: string;
  out: string;
  preset?: string;
  /** The recipe's training profile the overrides apply to (default: the recipe's default). */
  profile?: string;
  training?: Partial<TrainingConfig>;
  model?: Record<string, unknown>;
  resume?: boolean;
  /** Replace a run already in `out` (its run files only); without it (or `resume`) such a folder is refused. */
  overwrite?: boolean;
  stopAfter?: number;
  /** RAVDESS speaker fold 1–6: its 4 actors are the validation/test split, the rest train. */
  fold?: number;
  /** Replaces every item's split (cross-validation folds). */
  resplit?: (item: FeatureIndex['items'][number]) => string;
  /** What selects the kept epoch (see `SelectOn`); default 'auto'. */
  select?: SelectOn;
  /** Before the first epoch: the epochs to run and what selects. */
  onStart?: (info: { epochs: number; selection: Selection; preset: string }) => void;
  onEpoch?: (r: EpochRecord) => void;
  onBatch?: (epoch: number, done: number, total: number) => void;
  onNote?: (note: string) => void;
  /** Staged recipes: before each stage. */
  onStage?: FitOptions['onStage'];
  /** Late-fuse an utterance stream into the class logits (`withUtteranceFusion`); a resumed run keeps its own. */
  utterance?: Partial<UtteranceFusionConfig>;
  /** A committee member's 0-based index: its inner validation speakers rotate (`memberValidationSplit`). */
  member?: number;
}): Promise<{ history: EpochRecord[]; pipeline: string; selection: Selection }> {
  const index = readFeatureIndex(options.features);
  if (options.resplit) index.items = index.items.map((i) => ({ ...i, split: options.resplit!(i) }));
  // A resumed run keeps the fold it was started with.
  const sourceFile = path.join(options.out, 'source.json');
  const fold = options.fold ?? (options.resume && fs.existsSync(sourceFile) ? (JSON.parse(fs.readFileSync(sourceFile, 'utf8')) as { fold?: number }).fold : undefined);
  if (fold !== undefined) index.items = foldItems(index, fold, options.features);
  let train = toItems(index, 'train');
  if (train.length === 0) throw new Error(`${options.features}/items.json: no items in split 'train'`);
  const chosen = chooseSelection(options.features, index, train, options.select ?? 'auto', options.onNote, options.member);
  train = chosen.train;
  const { validation, selection } = chosen;
  let preset = options.preset;
  let training = options.training;
  let model = options.model;
  // A fused run names the utterance extractor the folder recorded (`--stream utterance=…` at extraction).
  let utterance = options.utterance && !index.extractor.streams?.[UTTERANCE_STREAM] ? recordedUtterance(options.features, options.utterance) : options.utterance;
  const recipe = resolveRecipe(index.pipeline);
  if (options.resume) {
    // A resumed run keeps the setup it was started with: more epochs is the one change it honours.
    const manifest = readManifest(options.out);
    const stateFile = path.join(options.out, 'checkpoint', 'state.json');
    const done = fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { epoch: number }).epoch : 0;
    const asked = options.profile !== undefined ? trainingConfig(recipe, options.training, options.profile) : options.training;
    const setup = resumedSetup(options.out, manifest, { preset: options.preset, training: asked, model: options.model }, done);
    for (const n of setup.notes) options.onNote?.(n);
    preset = manifest.preset;
    training = setup.training;
    model = manifest.model;
    utterance = manifest.utterance;
  }
  const p = await createPipeline(index.pipeline, { preset, extractor: index.extractor, training, profile: options.resume ? undefined : options.profile, classes: index.classes, model, multiLabel: index.multiLabel, features: options.features, utterance });
  try {
    // Speed perturbation: the stored copies of exactly the training items (never validation's, test's or a held-out speaker's).
    train = withTrainingCopies(train, index, p.training.speedPerturbation, options.features, options.onNote);
    prepareRunFolder(options.out, { resume: options.resume, overwrite: options.overwrite });
    writeFileAtomic(sourceFile, JSON.stringify({ features: path.resolve(options.features), ...(fold !== undefined ? { fold } : {}) }));
    options.onStart?.({ epochs: p.training.epochs, selection: { ...selection, metric: p.task.selection.metric }, preset: p.preset });
    let history: EpochRecord[];
    try {
      history = await p.fit(train, { validation, selection, featuresDir: options.features, runDir: options.out, resume: options.resume, stopAfter: options.stopAfter, onEpoch: options.onEpoch, onBatch: options.onBatch, onNote: options.onNote, onStage: options.onStage });
    } catch (e) {
      // Stopped before its first checkpoint (refused, or failed in epoch 1): nothing half-written stays.
      if (!options.resume && !holdsCheckpoint(options.out)) removeRunFiles(options.out);
      throw e;
    }
    return { history, pipeline: index.pipeline, selection: p.selection! };
  } finally {
    p.dispose();
  }
}

/** The items that select, from training data only unless the test split is asked for by name. */
function chooseSelection(features: string, index: FeatureIndex, train: PipelineItem[], select: SelectOn, onNote?: (note: string) => void, member?: number): { train: PipelineItem[]; validation: PipelineItem[]; selection: Selection } {
  const speakersOf = (items: PipelineItem[]) => {
    const s = [...new Set(items.map((i) => i.speaker))];
    return s.includes(undefined) ? undefined : (s as string[]).sort();
  };
  if (select === 'last') return { train, validation: [], selection: { on: 'last epoch', items: 0 } };
  if (select === 'test') {
    const test = toItems(index, 'test');
    if (test.length === 0) throw new Error(`${features}/items.json: --select test, but there is no 'test' split`);
    onNote?.('WARNING: the test split selects the kept epoch (--select test): every figure on it is optimistic, not held-out');
    return { train, validation: test, selection: { on: 'test split', items: test.length, speakers: speakersOf(test), optimistic: true } };
  }
  const given = toItems(index, 'validation');
  if (given.length > 0) return { train, validation: given, selection: { on: 'validation split', items: given.length, speakers: speakersOf(given) } };
  if (train.length < 2) {
    onNote?.(`only ${train.length} training item: no inner validation split; the last epoch is kept`);
    return { train, validation: [], selection: { on: 'last epoch', items: 0 } };
  }
  return member === undefined ? innerValidationSplit(train) : memberValidationSplit(train, member);
}

/** The training items and, with training "speedPerturbation", their stored speed-perturbed copies. */
function withTrainingCopies(train: PipelineItem[], index: FeatureIndex, factors: readonly number[] | undefined, features: string, onNote?: (note: string) => void): PipelineItem[] {
  if (!factors || !factors.some((f) => f !== 1)) return train;
  const copies = trainingCopies(train, toItems(index, undefined, true), factors, features);
  onNote?.(`speed perturbation ${factors.join(', ')}: ${copies.length} copies of the ${train.length} training items join training`);
  return [...train, ...copies];
}

/** What chose a run's kept epoch, from its pipeline.json (undefined for runs that did not record it). */
export function readRunSelection(run: string): Selection | undefined {
  return readManifest(run).selection;
}

/**
 * Evaluates a run on one split of its features folder (or another features folder). A run trained
 * with `fold` evaluates its own folder re-split by that fold, so `test` is the fold's held-out speakers.
 */
export async function evalRun(options: { run: string; split: string; features?: string }): Promise<PipelineMetrics> {
  const source = path.join(options.run, 'source.json');
  if (!options.features && !fs.existsSync(source)) throw new Error(`${options.run}: not a mer training run (no source.json); give --features to evaluate on a features folder`);
  const recorded = options.features ? null : (JSON.parse(fs.readFileSync(source, 'utf8')) as { features: string; fold?: number });
  const features = options.features ?? recorded!.features;
  const index = readFeatureIndex(features);
  if (recorded?.fold !== undefined) index.items = foldItems(index, recorded.fold, features);
  const items = toItems(index, options.split);
  if (items.length === 0) throw new Error(`${features}/items.json: no items in split '${options.split}'`);
  const p = await loadPipeline(options.run);
  try {
    return await p.evaluate(items, { featuresDir: features });
  } finally {
    p.dispose();
  }
}

export { metricRows };
