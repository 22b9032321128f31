import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';
import { parseEmoDbName, parseRavdessName, ravdessFoldSplit } from '@mer/datasets';
import type { ExtractionReport, PipelineExtractorOptions } from '@mer/feature-extractors';
import type { TrainingConfig } from '@mer/training';
import { affWild2FoldSplit } from './affwild2-items';
import { datasetItems } from './dataset-items';
import { idsHash, Shard, shardItems } from './sharding';
import { createPipeline, loadPipeline } from './pipeline';
import { readManifest } from './pipeline-manifest';
import type { PipelineItem, PipelineMetrics } from './pipeline-types';
import { metricRows } from './plots';
import type { EpochRecord } from './trainer';

/** `items.json` in a features folder: what `mer extract` wrote, what `mer train`/`eval` read. */
export interface FeatureIndex {
  /** The registered network the features were extracted for. */
  pipeline: string;
  dataset: string;
  classes?: readonly string[];
  /** Multi-label targets (each class present or not), e.g. CMU-MOSEI's six emotions. */
  multiLabel?: boolean;
  extractor: PipelineExtractorOptions;
  items: { id: string; file: string; split?: string; speaker?: string; person?: 'left' | 'right'; faceCrops?: string; classLabel?: number; multiLabel?: number[]; frameLabels?: number[]; transcript?: string }[];
  /** Set when this folder holds one shard of a larger extraction (`mer features merge` joins them). */
  shard?: Shard & { totalItems: number; idsHash: string };
}

export function readFeatureIndex(featuresDir: string): FeatureIndex {
  const file = path.join(featuresDir, 'items.json');
  if (!fs.existsSync(file)) throw new Error(`${featuresDir}: no items.json — run 'mer extract' into this folder first`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureIndex;
}

/**
 * An item's speaker: recorded at extraction, else read from the dataset's file names (EmoDB, RAVDESS,
 * CREMA-D: folders written before speakers were recorded); undefined when neither says.
 */
export function recordedSpeaker(dataset: string, item: Pick<FeatureIndex['items'][number], 'speaker' | 'file'>): string | undefined {
  if (item.speaker) return item.speaker;
  const kind = dataset.split(':')[0];
  const name = path.basename(item.file);
  try {
    if (kind === 'emodb') return parseEmoDbName(name).speaker;
    if (kind === 'ravdess') return String(parseRavdessName(name).actor).padStart(2, '0');
    if (kind === 'crema-d') return name.split('_')[0];
  } catch {
    return undefined;
  }
  return undefined;
}

export function toItems(index: FeatureIndex, split?: string): PipelineItem[] {
  return index.items
    .filter((i) => split === undefined || i.split === split)
    .map((i) => ({ ...i, speaker: recordedSpeaker(index.dataset, i), frameLabels: i.frameLabels ? Float32Array.from(i.frameLabels) : undefined, multiLabel: i.multiLabel ? Float32Array.from(i.multiLabel) : undefined }));
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
  /** Extract only this shard's items (its own items.json says which shard of how many). */
  shard?: Shard | null;
  /** 'write' (default) the folder's items.json; 'only' write it and extract nothing; 'skip' it (parallel workers). */
  index?: 'write' | 'only' | 'skip';
  onItem?: (id: string, index: number, total: number, status: string) => void;
}): Promise<ExtractionReport & { total: number; datasetNotes: string[] }> {
  const ds = options.items ? { items: options.items, classes: options.classes } : datasetItems(options.dataset, { split: options.split, fold: options.fold, audioOnly: false });
  const all = options.limit ? ds.items.slice(0, options.limit) : ds.items;
  const items = shardItems(all, options.shard ?? null);
  const dsNotes = 'notes' in ds ? ds.notes : [];
  // The dataset's own aligned face crops are the faces when it has them (Aff-Wild2 cropped_aligned).
  const extractor: PipelineExtractorOptions = { ...options.extractor, faces: options.extractor?.faces ?? (items.some((i) => i.faceCrops) ? 'cropped-aligned' : undefined) };
  fs.mkdirSync(options.out, { recursive: true });
  const index: FeatureIndex = {
    pipeline: options.pipeline,
    dataset: options.dataset,
    classes: ds.classes,
    extractor,
    items: items.map((i) => ({ ...i, frameLabels: i.frameLabels ? Array.from(i.frameLabels) : undefined, multiLabel: i.multiLabel ? Array.from(i.multiLabel) : undefined })),
    shard: options.shard ? { ...options.shard, totalItems: all.length, idsHash: idsHash(all.map((i) => i.id)) } : undefined,
  };
  if (options.index !== 'skip') writeFileAtomic(path.join(options.out, 'items.json'), JSON.stringify(index));
  if (options.index === 'only') return { extracted: [], skipped: [], failed: [], notes: {}, total: items.length, datasetNotes: dsNotes };
  const p = await createPipeline(options.pipeline, { extractor, classes: ds.classes });
  try {
    const report = await p.extract(items, options.out, (id, i, status) => options.onItem?.(id, i, items.length, status));
    return { ...report, total: items.length, datasetNotes: dsNotes };
  } finally {
    p.dispose();
  }
}

/** Trains on a features folder's 'train' split (validating on 'validation', else 'test'); writes the run folder. */
export async function trainRun(options: {
  features: string;
  out: string;
  preset?: string;
  /** The recipe's training profile the overrides apply to (default: the recipe's default). */
  profile?: string;
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
  onNote?: (note: string) => void;
}): Promise<{ history: EpochRecord[]; pipeline: string }> {
  const index = readFeatureIndex(options.features);
  if (options.resplit) index.items = index.items.map((i) => ({ ...i, split: options.resplit!(i) }));
  if (options.fold !== undefined) {
    if (index.dataset.startsWith('affwild2')) {
      const splits = affWild2FoldSplit(index.items, (id) => index.items.find((i) => i.id === id)?.speaker ?? id, options.fold);
      index.items = index.items.map((i) => ({ ...i, split: splits.get(i.id) }));
    } else if (index.dataset.startsWith('ravdess')) {
      index.items = index.items.map((i) => ({ ...i, split: ravdessFoldSplit(parseRavdessName(i.file).actor, options.fold!) }));
    } else {
      throw new Error(`--fold: folds are defined for RAVDESS (1–6, speakers) and Aff-Wild2 (1–6, TCN-fusion's protocol); ${options.features} holds '${index.dataset}' — use --split at extraction, or mer cv`);
    }
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
  const p = await createPipeline(index.pipeline, { preset, extractor: index.extractor, training, profile: options.resume ? undefined : options.profile, classes: index.classes, model, multiLabel: index.multiLabel });
  try {
    writeFileAtomic(path.join(options.out, 'source.json'), JSON.stringify({ features: path.resolve(options.features) }));
    const history = await p.fit(train, { validation, featuresDir: options.features, runDir: options.out, resume: options.resume, stopAfter: options.stopAfter, onEpoch: options.onEpoch, onBatch: options.onBatch, onNote: options.onNote });
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

export { metricRows };
