import type { ExtractedItem, PipelineExtractorOptions } from '@mer/feature-extractors';
import type { SequenceStats } from '@mer/datasets';
import type { ClassificationMetrics, MultiLabelMetrics, ValenceArousalMetrics } from '@mer/metrics';
import type { TrainingConfig } from '@mer/training';
import type { StageEvent } from './staged-training';
import type { EpochRecord } from './trainer';
import type { UtteranceFusionConfig } from './utterance-fusion';

/** One labelled (or unlabelled, for prediction) media file. */
export interface PipelineItem {
  id: string;
  /** Video (or audio-only) file. */
  file: string;
  /** Transcript for text streams (bracket lines, SRT, VTT). */
  transcript?: string;
  /** Classification target. */
  classLabel?: number;
  /** Multi-label target: [C] 1 where the class is present (CMU-MOSEI emotions: intensity > 0), else 0. */
  multiLabel?: Float32Array;
  /** Per-frame [T, 2] valence/arousal, −5 = unlabelled. Row count is authoritative. */
  frameLabels?: Float32Array;
  split?: string;
  /** Speaker / actor, for speaker-independent splits and cross-validation. */
  speaker?: string;
  /** The person annotated in a two-person video (Aff-Wild2 `_left` / `_right`). */
  person?: 'left' | 'right';
  /** The dataset's aligned face crops of this item (Aff-Wild2 `cropped_aligned/<name>`). */
  faceCrops?: string;
  /** An augmented copy's source item (`mer extract --speed`): it trains only with its source, never selects or evaluates. */
  augmentOf?: string;
  /** A speed-perturbed copy's factor (its features are of `file`'s audio at this speed). */
  speed?: number;
}

export interface PipelineOptions {
  /** Model preset (default: the recipe's, 'paper' for the published networks). */
  preset?: string;
  extractor?: PipelineExtractorOptions;
  /** Training overrides on top of the profile. */
  training?: Partial<TrainingConfig>;
  /** The recipe's training profile the overrides apply to. Default 'paper'. */
  profile?: string;
  /** Class names (classification networks). Default: the recipe's. */
  classes?: readonly string[];
  /** Model config overrides on top of the preset. */
  model?: Record<string, unknown>;
  /**
   * Multi-label classification: each class present or not (sigmoid + binary cross-entropy; per-class
   * accuracy, F1 and weighted accuracy), e.g. CMU-MOSEI's six emotions. Any classification network.
   */
  multiLabel?: boolean;
  /** A registered task by name (`registerTask`), e.g. a user's; default: the network's own (or multi-label). */
  task?: string;
  /**
   * The features folder this pipeline trains or evaluates from: where it holds every stream, their
   * widths come from its manifests and no extractor model loads unless an item must be extracted.
   */
  features?: string;
  /** Late-fuse an utterance-level stream (`utterance`, default extractor speech-functionals) into the class logits; see `withUtteranceFusion`. */
  utterance?: Partial<UtteranceFusionConfig>;
}

import type { Selection } from './selection';

export interface FitOptions {
  /** The items that select the kept epoch (training data only); none: the last epoch is kept. */
  validation?: readonly PipelineItem[];
  /** How `validation` was chosen, recorded in pipeline.json with the kept epoch (default: the validation items given, or 'last epoch'). */
  selection?: Selection;
  /** Where features are cached (reused across runs with the same extractor config). Default `<runDir>/features`. */
  featuresDir?: string;
  /** Where checkpoints, metrics.jsonl and the best model go. Default a temporary folder. */
  runDir?: string;
  resume?: boolean;
  onEpoch?: (record: EpochRecord) => void;
  onBatch?: (epoch: number, done: number, total: number) => void;
  onExtract?: (id: string, index: number, status: string) => void;
  /** Stop after this many epochs in this call (the run can be resumed). */
  stopAfter?: number;
  /** Staged recipes: before each stage ('new', 'resumed' inside it, or 'done'); the network holds the weights it starts from. */
  onStage?: (event: StageEvent) => void | Promise<void>;
  /** What the run decided that the caller should know (e.g. standardising by the split when no item names a speaker). */
  onNote?: (note: string) => void;
}

/** The built-in tasks' metrics (a registered task's own carry its name in `task`). */
export type PipelineMetrics =
  | { task: 'va'; va: ValenceArousalMetrics; items: number }
  | { task: 'classification'; classification: ClassificationMetrics; items: number }
  | { task: 'multilabel'; multilabel: MultiLabelMetrics; items: number };

/** One frame's prediction, with the face it was made on (OpenFace / py-feat conventions). */
export interface FramePrediction {
  frame: number;
  /** The frame's presentation time, seconds (its own, also for variable-rate video). */
  time: number;
  /** The face used, in source pixels; 0 where none (success 0). */
  faceX: number;
  faceY: number;
  faceW: number;
  faceH: number;
  /** The detector's score (1 when faces are not detected, 0 where none). */
  faceScore: number;
  /** 1 where a face was found in this frame. */
  success: 0 | 1;
  valence: number;
  arousal: number;
}

export type Prediction =
  | { task: 'va'; file: string; fps: number; frameCount: number; frames: FramePrediction[]; notes: string[] }
  | { task: 'classification'; file: string; classes: readonly string[]; probabilities: number[]; label: string; notes: string[] };

/** `Pipeline.predict`'s options. */
export interface PredictOptions {
  transcript?: string;
  /** VA networks: false extracts the whole video first (same rows; memory grows with length). */
  streaming?: boolean;
  /** The file's features, when the caller extracted them already (`extractRecording`). */
  extracted?: ExtractedItem;
  /**
   * A network trained per speaker: the statistics of this file's speaker (`speakerStats` over that
   * speaker's files) and who that is; without them the recording is standardised by itself.
   */
  speaker?: { stats: Record<string, SequenceStats>; by: string };
}
