import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getBackendInfo } from '@mer/backend';
import type { FeatureSource } from '@mer/datasets';
import { ExtractedItem, ExtractionReport, PipelineExtractor, PipelineExtractorOptions } from '@mer/feature-extractors';
import type { NetworkRecipe, TrainingConfig } from '@mer/training';
import { ClipDataset } from './clip-dataset';
import { guardTrainingMemory, itemShapes } from './memory-estimate';
import { summariseMetrics } from './evaluation';
import { resolveStandardisation, standardisedSources } from './speaker-standardisation';
import { predictionInputs } from './prediction-inputs';
import { FeatureStats, featureStats } from './feature-stats';
import { writeManifest } from './pipeline-manifest';
import type { Selection } from './selection';
import { PipelineModel } from './pipeline-model';
import type { FitOptions, FramePrediction, PipelineItem, PipelineMetrics, Prediction, PredictOptions } from './pipeline-types';
import { clipScores } from './tasks/clip-scores';
import type { PredictionContext, TaskDefinition } from './tasks/task-definition';
import { taskManifest } from './tasks/task-registry';
import { StageRecord, trainStages } from './staged-training';
import { EpochRecord, trainModel } from './trainer';
import type { UtteranceFusionConfig } from './utterance-fusion';
import type { CommitteeRecord } from './committee-record';

/**
 * A network's pipeline end to end, with tensors hidden: `extract` features from media (cached,
 * resumable), `fit` on labelled items (checkpoints, resume), `evaluate` with the task's metrics,
 * `predict` on a raw video. Call `dispose()` when done.
 */
export class Pipeline {
  private normalisation: Record<string, FeatureStats> = {};
  /** What chose the kept epoch: set by `fit`, read from a loaded run's pipeline.json. */
  selection: Selection | undefined;
  /** A staged run's finished stages, each with its selection (pipeline.json's `stages`). */
  stages: StageRecord[] | undefined;
  /** The late-fused utterance stream's head (pipeline.json's `utterance`), or null. */
  utterance: UtteranceFusionConfig | null = null;
  /** A committee run's record (its network is the members' mean), from pipeline.json. */
  committee: CommitteeRecord | undefined;

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
    /** What the pipeline learns: labels, loss, metrics, selection, prediction files. */
    readonly task: TaskDefinition,
  ) {}

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

  /** Trains on `items` (extracting their features first). Returns the per-epoch records. */
  async fit(items: readonly PipelineItem[], options: FitOptions = {}): Promise<EpochRecord[]> {
    if (items.length === 0) throw new Error(`${this.name}: no training items`);
    this.task.checkLabels(items, this.classes);
    this.task.checkLabels(options.validation ?? [], this.classes);
    this.task.checkTraining?.(items, this.name);
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
    const classWeights = this.task.classWeights?.(items, this.classes, this.training) ?? null;
    // Before anything is written: a training the wasm heap cannot hold is refused with the ways out.
    await guardTrainingMemory(model, itemShapes(stores, items[0].id, this.training.window?.size ?? null), this.training.batchSize, `${this.name} preset '${this.preset}', batch ${this.training.batchSize}`, getBackendInfo()?.name);
    const validation = options.validation && options.validation.length > 0 ? options.validation : null;
    const { selection } = this.task;
    this.selection = { ...(options.selection ?? (validation ? { on: 'validation split', items: validation.length } : { on: 'last epoch', items: 0 })), metric: selection.metric, epochs: this.training.epochs };
    this.writeManifest(runDir);
    // A validation of the network, or (a stage's heads) of a view of it.
    const validateWith = validation
      ? (m: PipelineModel) => {
          const evaluate = this.task.evaluator(m, stores, validation, { classes: this.classes, windowSize: this.windowSize });
          return async () => {
            const r = await evaluate();
            return { score: selection.score(r), metrics: summariseMetrics(r) };
          };
        }
      : undefined;
    const data = this.task.dataset(stores, items, this.training);
    // Each item's speaker: a closed-form network chooses its hyper-parameters over the training speakers.
    const groups = new Map(items.map((i) => [i.id, i.speaker ?? '']));
    const common = { runDir, task: this.task, classWeights, resume: options.resume, stopAfter: options.stopAfter, onEpoch: options.onEpoch, onBatch: options.onBatch, groups, classes: this.classes };
    // A recipe that declares stages for this preset trains in them, each recorded in pipeline.json.
    const stages = this.recipe.stages?.(this.preset);
    const history = stages
      ? (await trainStages(model, data, this.training, { ...common, stages, validateWith, selection: this.selection, onStage: options.onStage, onNote: options.onNote, onStageDone: (s) => this.recordStages(s, runDir) })).history
      : await trainModel(model, data, this.training, { ...common, validate: validateWith?.(model) });
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

  private recordStages(stages: StageRecord[], runDir: string): void {
    this.stages = stages;
    this.writeManifest(runDir);
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
      ...taskManifest(this.task, this.recipe),
      ...(this.selection ? { selection: this.selection } : {}),
      ...(this.stages ? { stages: this.stages } : {}),
      ...(this.utterance ? { utterance: this.utterance } : {}),
    });
  }

  /** Saves the pipeline (config + current model) as a run folder `loadPipeline` reads. */
  async save(runDir: string): Promise<void> {
    this.writeManifest(runDir);
    await this.network.save(path.join(runDir, 'best'));
  }

  /** The task's metrics on labelled items (features extracted/reused in `featuresDir`). */
  async evaluate(items: readonly PipelineItem[], options: { featuresDir?: string } = {}): Promise<PipelineMetrics> {
    this.task.checkLabels(items, this.classes);
    const featuresDir = options.featuresDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `mer-eval-${this.name}-`));
    const evaluate = this.task.evaluator(this.network, await this.stores(items, featuresDir), items, { classes: this.classes, windowSize: this.windowSize });
    // A registered task's own metrics carry its name in `task`.
    return (await evaluate()) as PipelineMetrics;
  }

  /** Class probabilities of clips from their features (extracted first when missing): [items, classes] row-major. */
  async scores(items: readonly PipelineItem[], options: { featuresDir?: string } = {}): Promise<Float32Array> {
    const reading = this.task.clip;
    if (!reading) throw new Error(`${this.name}: scores() gives clip class probabilities; a '${this.task.network}' network predicts per frame (evaluate or predict)`);
    const featuresDir = options.featuresDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `mer-scores-${this.name}-`));
    return clipScores(this.network, new ClipDataset(await this.stores(items, featuresDir), items), reading);
  }

  /**
   * Per-frame valence/arousal streamed: final rows go to `onRows` in frame order as soon as every
   * window covering them has run; memory does not grow with the video's length. (A network trained
   * per speaker needs the whole recording's statistics first: its rows come at once.)
   */
  async predictStream(file: string, onRows: (rows: FramePrediction[]) => void | Promise<void>, options: { transcript?: string } = {}): Promise<{ frames: number; fps: number; notes: string[] }> {
    const stream = this.task.stream;
    if (!stream) throw new Error(`${this.name}: predictStream is for per-frame networks; use predict()`);
    if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
    return stream(this.context(), file, onRows, options);
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
    return this.task.predict(this.context(), file, options);
  }

  /** What the task's prediction reads of this pipeline. */
  private context(): PredictionContext {
    return {
      network: this.network,
      classes: this.classes,
      windowSize: this.windowSize,
      extractor: this.extractor,
      standardise: this.training.standardise,
      inputs: async (file, options) => {
        const extracted = options.extracted ?? (await this.extractor.extract(file, options));
        return predictionInputs(extracted, { standardise: this.training.standardise, normalisation: this.normalisation }, options.speaker);
      },
    };
  }

  dispose(): void {
    this.model?.dispose();
    this.model = null;
    this.extractor.dispose();
  }
}
