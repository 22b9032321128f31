import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@mer/backend';
import type { FeatureSource } from '@mer/datasets';
import type { ExtractedItem, PipelineExtractor } from '@mer/feature-extractors';
import type { Task, TrainingConfig } from '@mer/training';
import type { MixedBatch } from '../mixup';
import type { Pipeline } from '../pipeline';
import type { ModelOutput, PipelineModel } from '../pipeline-model';
import type { FramePrediction, PipelineItem, PredictOptions, Prediction } from '../pipeline-types';
import type { BatchSource, TrainingBatch } from '../trainer';

/** An evaluation's result: the task that measured it, how many items, and the task's own figures. */
export interface TaskMetrics {
  task: string;
  items: number;
}

/** The labels a loss reads from a batch (a mixed batch's partner labels are a batch of their own). */
export type LossTargets = Partial<Pick<TrainingBatch, 'frameLabels' | 'classLabels' | 'multiLabels' | 'mask'>>;

export interface LossOptions {
  /** The training config's loss (VA: 'mse' or 'ccc'). */
  kind: TrainingConfig['loss'];
  /** Per-class weights (class-balanced training), or null. */
  classWeights: number[] | null;
}

export interface EvaluationOptions {
  classes?: readonly string[];
  /** Frames per inference window (frame-level networks). */
  windowSize: number;
}

/** What predicting needs from a pipeline. */
export interface PredictionContext {
  readonly network: PipelineModel;
  readonly classes: readonly string[] | undefined;
  readonly windowSize: number;
  readonly extractor: PipelineExtractor;
  readonly standardise: TrainingConfig['standardise'];
  /** The file's features (extracted unless `options.extracted` has them) as the network was trained to see them. */
  inputs(file: string, options: PredictOptions): Promise<ExtractedItem>;
}

/** `predictFiles`' per-file settings. */
export interface PredictFileOptions {
  out: string;
  /** The output files' name stem. */
  stem: string;
  plot?: boolean;
  abaw?: boolean;
  /** Per-speaker runs: the file's features extracted in the planning pass, and its speaker's statistics. */
  extracted?: ExtractedItem;
  speaker?: PredictOptions['speaker'];
}

/** One predicted file: the prediction, the files written, and its cells of `summary.csv` from `frames` to `confidence`. */
export interface PredictedFile {
  pred: Prediction;
  written: string[];
  summary: string;
}

/** Options of `writePrediction`. */
export interface WritePredictionOptions {
  plot?: boolean;
  abaw?: boolean;
  /** Per-frame labels to draw beside the predictions. */
  labels?: Float32Array;
  /** The CSV was written already (streamed). */
  skipCsv?: boolean;
  stem?: string;
}

/** How a clip task reads a network's clip logits. */
export interface ClipReading {
  /** [B, K] logits → [B, K] probabilities. */
  probabilities(logits: tf.Tensor2D): tf.Tensor2D;
  /**
   * [B, K] probabilities → [B, K] logits whose `probabilities` are these (a committee's mean
   * probabilities become its logits); a task without one has no committee.
   */
  logits?(probabilities: tf.Tensor2D): tf.Tensor2D;
  /** The predicted label of one clip's probabilities. */
  label(probabilities: readonly number[], classes: readonly string[]): string;
  /** Metrics of clip scores ([items, classes] row-major). */
  metrics(items: readonly PipelineItem[], scores: Float32Array, classes: readonly string[]): TaskMetrics;
}

/** What the demo runs a task on: a synthetic set and the figure its table shows. */
export interface DemoSetup {
  /** Which synthetic set ('va': valence/arousal clips, 'classes': 4 picture×tone classes). */
  data: 'va' | 'classes';
  /** The held-out figure's name in the summary table. */
  metric: string;
  /** What chance scores, given the classes (if any). */
  chance(classes: readonly string[] | undefined): number;
}

/**
 * A learning task as one object: what labels it reads and checks, how it batches them, its loss,
 * metrics and the score that selects the kept epoch (with its direction), how metrics are summarised
 * and tabled, how it predicts and writes predictions (CSV columns, plots). Classification,
 * valence-arousal regression and multi-label are three of them; a user's task registers the same way
 * (`registerTask`) and the trainer, evaluation, prediction and CLI run it unchanged.
 */
export interface TaskDefinition {
  /** Registered name ('classification', 'va', 'multilabel', or a user's). */
  readonly name: string;
  readonly description: string;
  /** The network output it trains: a recipe whose `task` is this ('va' per frame, 'classification' clip logits). */
  readonly network: Task;
  /** Said when a network of another output is given, e.g. 'multi-label targets need a classification network'. */
  readonly mismatch?: string;
  /** Whether the task needs class names. */
  readonly needsClasses: boolean;
  /** How a run of this task is recorded in pipeline.json when it is not the network's default task. */
  readonly manifest?: Record<string, unknown>;
  /** Every item carries the labels the task reads; the error names the file and what was expected. */
  checkLabels(items: readonly PipelineItem[], classes: readonly string[] | undefined): void;
  /** Checks of the training items beyond their labels (e.g. some labelled frame). */
  checkTraining?(items: readonly PipelineItem[], name: string): void;
  /** The training batches of `items`. */
  dataset(stores: Record<string, FeatureSource>, items: readonly PipelineItem[], training: TrainingConfig): BatchSource;
  /** Per-class loss weights for class-balanced training (`training.classBalance`); none: unweighted. */
  classWeights?(items: readonly PipelineItem[], classes: readonly string[] | undefined, training: TrainingConfig): number[] | null;
  loss(output: ModelOutput, target: LossTargets, options: LossOptions): tf.Scalar;
  /** Mixup of a batch (`training.mixup`; `speakers`: each row's, for mixup within a speaker); tasks whose labels do not mix refuse, saying what their labels are. */
  mixup(batch: TrainingBatch, alpha: number, rng: Rng, speakers?: readonly string[]): MixedBatch;
  /** An evaluator of `items` (datasets built once, so validation every epoch reuses them). */
  evaluator(model: PipelineModel, stores: Record<string, FeatureSource>, items: readonly PipelineItem[], options: EvaluationOptions): () => Promise<TaskMetrics>;
  /** Clip tasks: how clip logits read as probabilities, labels and metrics (committees average their scores). */
  readonly clip?: ClipReading;
  /** The score that selects the kept epoch (and drives early stopping and plateau schedules). */
  readonly selection: { metric: string; direction: 'max' | 'min'; score(m: TaskMetrics): number };
  /** Plain-number summary for logs and JSON output. */
  summary(m: TaskMetrics): Record<string, unknown>;
  /** The metric table: a header row, then rows. */
  metricRows(m: TaskMetrics): (string | number)[][];
  /** More tables `mer eval` prints after the metrics (e.g. the confusion matrix). */
  details?(m: TaskMetrics): { heading: string; rows: string[][] }[];
  predict(ctx: PredictionContext, file: string, options: PredictOptions): Promise<Prediction>;
  /** Per-frame tasks: final rows in frame order as soon as they exist. */
  stream?(ctx: PredictionContext, file: string, onRows: (rows: FramePrediction[]) => void | Promise<void>, options: { transcript?: string }): Promise<{ frames: number; fps: number; notes: string[] }>;
  /** `predictFiles`' work for one file of a loaded run: predict, write its files. */
  predictFile(p: Pipeline, file: string, options: PredictFileOptions): Promise<PredictedFile>;
  /** Writes one prediction's files (CSV, plots, HTML report); returns their paths. */
  writePrediction(pred: Prediction, outDir: string, stem: string, options: WritePredictionOptions): string[];
  /** `mer predict`'s line about a prediction ('120 frames', 'happy (p=0.912)'). */
  describe(pred: Prediction): string;
  /** `mer predict --json`'s object for a prediction. */
  json(pred: Prediction, file: string, written: string[]): Record<string, unknown>;
  /** The plots of a prediction in a report, titled by `name`. */
  plots(pred: Prediction, name: string): string[];
  /** What `mer demo` runs the task on; absent: the demo has no data for it. */
  readonly demo?: DemoSetup;
}
