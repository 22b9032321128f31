import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getBackendInfo, initBackend } from '@mer/backend';
import { FeatureSource, SequenceDataset } from '@mer/datasets';
import { ExtractedItem, ExtractionReport, PipelineExtractor, PipelineExtractorOptions } from '@mer/feature-extractors';
import type { NetworkRecipe, Task, TrainingConfig } from '@mer/training';
import { ClipDataset } from './clip-dataset';
import { classifyClip } from './clip-classification';
import { guardTrainingMemory, itemShapes } from './memory-estimate';
import { clipScores, evaluateStored, summariseMetrics } from './evaluation';
import { resolveStandardisation, standardisedSources } from './speaker-standardisation';
import { checkItemLabels } from './item-labels';
import { predictionInputs } from './prediction-inputs';
import { FeatureStats, featureStats } from './feature-stats';
import { faceColumns, predictFrames, predictFramesStreamed } from './frame-inference';
import { resolveRecipe } from './network-registry';
import { readManifest, writeManifest } from './pipeline-manifest';
import { Selection, selectionMetric } from './selection';
import { PipelineModel } from './pipeline-model';
import type { FitOptions, FramePrediction, PipelineItem, PipelineMetrics, PipelineOptions, Prediction, PredictOptions } from './pipeline-types';
import { EpochRecord, trainModel } from './trainer';
import { modelOverrides, trainingConfig } from './training-config';

/** scikit-learn's 'balanced' class weights N / (K · n_c); a class absent from training gets weight 0. */
function balancedWeights(labels: readonly number[], k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const l of labels) counts[l]++;
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? labels.length / (present * c) : 0));
}

/** Builds a pipeline for a registered network (by name) or a recipe: extractors now, the network on first fit. */
export async function createPipeline(network: string | NetworkRecipe, options: PipelineOptions = {}): Promise<Pipeline> {
  const recipe = resolveRecipe(network);
  // Every option is checked before anything loads or is written.
  const classes = recipe.task === 'classification' ? (options.classes ?? recipe.defaultClasses) : undefined;
  if (recipe.task === 'classification' && !classes) throw new Error(`${recipe.name}: a classification network needs class names (options.classes)`);
  const training = trainingConfig(recipe, options.training, options.profile);
  const preset = options.preset ?? recipe.extractedPreset?.preset ?? recipe.defaultPreset;
  const model = modelOverrides(recipe, preset, options.model);
  if (options.multiLabel && recipe.task !== 'classification') throw new Error(`${recipe.name}: multi-label targets need a classification network (this one's task is ${recipe.task})`);
  await initBackend();
  const extractor = await PipelineExtractor.create(recipe, options.extractor);
  return new Pipeline(recipe, preset, extractor, training, classes, model, null, options.extractor ?? {}, options.multiLabel ?? false);
}

/**
 * Loads a trained pipeline from a run folder (its `pipeline.json` and best model). `extractor`
 * changes how new media are read (e.g. `{ face: 'left' }`), not what the model was trained on.
 */
export async function loadPipeline(runDir: string, reading: Partial<PipelineExtractorOptions> = {}): Promise<Pipeline> {
  const m = readManifest(runDir);
  m.extractor = { ...m.extractor, ...reading };
  const recipe = resolveRecipe(m.pipeline);
  await initBackend();
  const best = path.join(runDir, 'best');
  if (!fs.existsSync(best)) throw new Error(`${runDir}: no trained model yet (no best/ folder) — was training interrupted before the first epoch ended?`);
  const extractor = await PipelineExtractor.create(recipe, m.extractor);
  const model = PipelineModel.load(recipe, best);
  const pipeline = new Pipeline(recipe, m.preset, extractor, m.training, m.classes, m.model, model, m.extractor, m.multiLabel ?? false);
  if (m.normalisation) pipeline.setNormalisation(m.normalisation);
  pipeline.selection = m.selection;
  return pipeline;
}

/**
 * A network's pipeline end to end, with tensors hidden: `extract` features from media (cached,
 * resumable), `fit` on labelled items (checkpoints, resume), `evaluate` with the task's metrics,
 * `predict` on a raw video. Call `dispose()` when done.
 */
export class Pipeline {
  readonly task: Task;
  private normalisation: Record<string, FeatureStats> = {};
  /** What chose the kept epoch: set by `fit`, read from a loaded run's pipeline.json. */
  selection: Selection | undefined;

  constructor(
    readonly recipe: NetworkRecipe,
    readonly preset: string,
    readonly extractor: PipelineExtractor,
    /** The run's training setup (`fit` records what it resolved: a per-speaker run with no speakers named standardises by the split). */
    public training: TrainingConfig,
    readonly classes: readonly string[] | undefined,
    private readonly modelOverrides: Record<string, unknown> | undefined,
    private model: PipelineModel | null,
    private readonly extractorOptions: PipelineExtractorOptions,
    /** Each class present or not (sigmoid, binary cross-entropy), rather than one class per item. */
    readonly multiLabel = false,
  ) {
    this.task = recipe.task;
  }

  /** The network's registered name. */
  get name(): string {
    return this.recipe.name;
  }

  /** The network (built on the first `fit`, or loaded). */
  get network(): PipelineModel {
    if (!this.model) throw new Error(`${this.name}: no model yet — fit() or loadPipeline() first`);
    return this.model;
  }

  /** Frames per inference window (training windows; 300 when the recipe trains on whole clips). */
  private get windowSize(): number {
    return this.training.window?.size ?? 300;
  }

  private ensureModel(): PipelineModel {
    if (!this.model) {
      this.model = PipelineModel.create(this.recipe, this.preset, this.extractor.streams, { numClasses: this.classes?.length, overrides: this.modelOverrides, seed: this.training.seed });
      this.model.setNormalisation(this.normalisation);
    }
    return this.model;
  }

  /** Input standardisation per stream (set by `fit` from the training features). */
  setNormalisation(stats: Record<string, FeatureStats>): void {
    this.normalisation = stats;
    this.model?.setNormalisation(stats);
  }

  /** Extracts (or reuses) every item's features into `featuresDir`. */
  async extract(items: readonly PipelineItem[], featuresDir: string, onItem?: FitOptions['onExtract']): Promise<ExtractionReport> {
    return this.extractor.extractAll(
      items.map((i) => ({ ...i, frames: i.frameLabels ? i.frameLabels.length / 2 : undefined })),
      featuresDir,
      onItem,
    );
  }

  private async stores(items: readonly PipelineItem[], featuresDir: string, onItem?: FitOptions['onExtract']): Promise<Record<string, FeatureSource>> {
    const report = await this.extract(items, featuresDir, onItem);
    if (report.failed.length > 0) {
      const f = report.failed[0];
      throw new Error(`feature extraction failed for ${report.failed.length} item(s); first: ${f.file}: ${f.error}`);
    }
    return standardisedSources(this.extractor.openStores(featuresDir), items, this.training.standardise);
  }

  private dataset(stores: Record<string, FeatureSource>, items: readonly PipelineItem[]) {
    if (this.task === 'classification') return new ClipDataset(stores, items);
    return new SequenceDataset(
      stores,
      items.map((i) => ({ id: i.id, frameLabels: i.frameLabels })),
      { window: this.training.window ?? undefined, requireValid: [] },
    );
  }

  /** Trains on `items` (extracting their features first). Returns the per-epoch records. */
  async fit(items: readonly PipelineItem[], options: FitOptions = {}): Promise<EpochRecord[]> {
    if (items.length === 0) throw new Error(`${this.name}: no training items`);
    checkItemLabels(items, this.task, this.classes, this.multiLabel);
    checkItemLabels(options.validation ?? [], this.task, this.classes, this.multiLabel);
    if (this.task === 'va' && items.every((i) => i.frameLabels!.every((v) => v === -5))) {
      throw new Error(`${this.name}: the training items have no labelled frame (every value is −5): ${items.map((i) => i.file).join(', ')}`);
    }
    const runDir = options.runDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `mer-run-${this.name}-`));
    const featuresDir = options.featuresDir ?? path.join(runDir, 'features');
    const resolved = resolveStandardisation(this.training.standardise, [...items, ...(options.validation ?? [])]);
    if (resolved.note) {
      this.training = { ...this.training, standardise: resolved.mode };
      options.onNote?.(resolved.note);
    }
    const stores = await this.stores([...items, ...(options.validation ?? [])], featuresDir, options.onExtract);
    if (!options.resume || Object.keys(this.normalisation).length === 0) {
      this.setNormalisation(Object.fromEntries(Object.entries(stores).map(([m, s]) => [m, featureStats(s, items.map((i) => i.id))])));
    }
    // A resumed run continues the network its checkpoint holds, built from the checkpoint's own config
    // (a preset's defaults may have changed since, e.g. MAVEN's encoder attention).
    const checkpoint = options.resume && options.runDir ? path.join(options.runDir, 'checkpoint', 'model') : null;
    if (!this.model && checkpoint && fs.existsSync(path.join(checkpoint, 'model.json'))) {
      this.model = PipelineModel.load(this.recipe, checkpoint);
      this.model.setNormalisation(this.normalisation);
    }
    const model = this.ensureModel();
    model.classWeights = this.task === 'classification' && !this.multiLabel && this.training.classBalance ? balancedWeights(items.map((i) => i.classLabel!), this.classes!.length) : null;
    // Before anything is written: a training the wasm heap cannot hold is refused with the ways out.
    await guardTrainingMemory(model, itemShapes(stores, items[0].id, this.training.window?.size ?? null), this.training.batchSize, `${this.name} preset '${this.preset}', batch ${this.training.batchSize}`, getBackendInfo()?.name);
    const validation = options.validation && options.validation.length > 0 ? options.validation : null;
    const metric = selectionMetric(this.task, this.multiLabel);
    this.selection = { ...(options.selection ?? (validation ? { on: 'validation split', items: validation.length } : { on: 'last epoch', items: 0 })), metric, epochs: this.training.epochs };
    this.writeManifest(runDir);
    const clips = validation && this.task === 'classification' ? new ClipDataset(stores, validation) : undefined;
    const history = await trainModel(model, this.dataset(stores, items), this.training, {
      runDir,
      resume: options.resume,
      stopAfter: options.stopAfter,
      onEpoch: options.onEpoch,
      onBatch: options.onBatch,
      validate: validation
        ? async () => {
            const m = await evaluateStored(model, stores, validation, { classes: this.classes, windowSize: this.windowSize, clips, multiLabel: this.multiLabel });
            return { score: m.task === 'va' ? m.va.ccc : m.task === 'multilabel' ? m.multilabel.meanF1 : m.classification.macroF1, metrics: summariseMetrics(m) };
          }
        : undefined,
    });
    const kept = history.filter((h) => h.best).pop();
    this.selection = { ...this.selection, bestEpoch: kept?.epoch, epochs: history.length ? history[history.length - 1].epoch : this.training.epochs };
    this.writeManifest(runDir);
    // Continue with the best epoch's weights.
    const best = PipelineModel.load(this.recipe, path.join(runDir, 'best'));
    model.dispose();
    best.setNormalisation(this.normalisation);
    this.model = best;
    return history;
  }

  private writeManifest(runDir: string): void {
    writeManifest(runDir, {
      pipeline: this.name,
      preset: this.preset,
      extractor: this.extractorOptions,
      training: this.training,
      classes: this.classes,
      streams: this.extractor.streams,
      model: this.modelOverrides,
      normalisation: this.normalisation,
      ...(this.multiLabel ? { multiLabel: true } : {}),
      ...(this.selection ? { selection: this.selection } : {}),
    });
  }

  /** Saves the pipeline (config + current model) as a run folder `loadPipeline` reads. */
  async save(runDir: string): Promise<void> {
    this.writeManifest(runDir);
    await this.network.save(path.join(runDir, 'best'));
  }

  /** The task's metrics on labelled items (features extracted/reused in `featuresDir`). */
  async evaluate(items: readonly PipelineItem[], options: { featuresDir?: string } = {}): Promise<PipelineMetrics> {
    checkItemLabels(items, this.task, this.classes, this.multiLabel);
    const featuresDir = options.featuresDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `mer-eval-${this.name}-`));
    return evaluateStored(this.network, await this.stores(items, featuresDir), items, { classes: this.classes, windowSize: this.windowSize, multiLabel: this.multiLabel });
  }

  /** Class probabilities of clips from their features (extracted first when missing): [items, classes] row-major. */
  async scores(items: readonly PipelineItem[], options: { featuresDir?: string } = {}): Promise<Float32Array> {
    if (this.task !== 'classification') throw new Error(`${this.name}: scores() gives clip class probabilities; a '${this.task}' network predicts per frame (evaluate or predict)`);
    const featuresDir = options.featuresDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `mer-scores-${this.name}-`));
    return clipScores(this.network, await this.stores(items, featuresDir), items, { multiLabel: this.multiLabel });
  }

  /**
   * Per-frame valence/arousal streamed: final rows go to `onRows` in frame order as soon as every
   * window covering them has run; memory does not grow with the video's length. (A network trained
   * per speaker needs the whole recording's statistics first: its rows come at once.)
   */
  async predictStream(file: string, onRows: (rows: FramePrediction[]) => void | Promise<void>, options: { transcript?: string } = {}): Promise<{ frames: number; fps: number; notes: string[] }> {
    if (this.task !== 'va') throw new Error(`${this.name}: predictStream is for per-frame networks; use predict()`);
    if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
    if (this.training.standardise === 'speaker') {
      // The recording's own statistics are needed before its first window: extracted whole, rows at once.
      const p = await this.predict(file, { ...options, streaming: false });
      if (p.task !== 'va') throw new Error(`${this.name}: expected per-frame predictions`);
      await onRows(p.frames);
      return { frames: p.frameCount, fps: p.fps, notes: p.notes };
    }
    return predictFramesStreamed(this.network, this.windowSize, this.extractor, file, onRows, options);
  }

  /** A file's features as `predict` takes them (`options.extracted`): to gather a speaker's statistics first. */
  async extractRecording(file: string, options: { transcript?: string } = {}): Promise<ExtractedItem> {
    if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
    return this.extractor.extract(file, options);
  }

  /**
   * Raw media in, predictions out: per-frame valence/arousal (streamed; `streaming: false` extracts
   * the whole video first — same rows, memory grows with length), or clip class probabilities.
   */
  async predict(file: string, options: PredictOptions = {}): Promise<Prediction> {
    if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
    if (this.task === 'va' && options.streaming !== false && !options.extracted) {
      const frames: FramePrediction[] = [];
      const r = await this.predictStream(file, (rows) => void frames.push(...rows), options);
      return { task: 'va', file, fps: r.fps, frameCount: r.frames, frames, notes: r.notes };
    }
    const extracted = options.extracted ?? (await this.extractor.extract(file, options));
    const item = predictionInputs(extracted, { standardise: this.training.standardise, normalisation: this.normalisation }, options.speaker);
    if (this.task === 'classification') {
      const { probabilities, label } = await classifyClip(this.network, item.streams, this.classes!, this.multiLabel);
      return { task: 'classification', file, classes: this.classes!, probabilities, label, notes: item.notes };
    }
    const va = await predictFrames(this.network, this.windowSize, item.streams, item.frames);
    const frames: FramePrediction[] = Array.from({ length: item.frames }, (_, t) => ({ frame: t, time: item.times[t], ...faceColumns(item.faces, t), valence: va[t * 2], arousal: va[t * 2 + 1] }));
    return { task: 'va', file, fps: item.fps, frameCount: item.frames, frames, notes: item.notes };
  }

  dispose(): void {
    this.model?.dispose();
    this.model = null;
    this.extractor.dispose();
  }
}
