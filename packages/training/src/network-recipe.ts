import type * as tf from '@tensorflow/tfjs-core';
import type { ModelFiles } from '@mer/backend';
import type { MerLayer } from '@mer/attention-fusion';
import type { TrainingConfig } from './training-config';
import type { StageHeads, TrainingStage } from './training-stage';

/** What a network predicts: per-frame valence/arousal, or one class per clip. */
export type Task = 'va' | 'classification';

/** The kind of signal a stream is computed from. */
export type StreamModality = 'visual' | 'audio' | 'text';

/**
 * One input stream of a network, as its recipe declares it: which extractor computes it by default
 * (a name registered with `@mer/feature-extractors`) and, for an offline default, which paper
 * encoder it stands in for.
 */
export interface StreamDeclaration {
  /** The network input it feeds, and the feature-store folder it is written to ('visual', 'vggish', …). */
  name: string;
  modality: StreamModality;
  /** The offline default extractor ('face', 'logmel-mean-std', 'logmel-halves', 'mfcc', 'hashed-words', …). */
  extractor: string;
  /** The paper's encoder this default stands in for, e.g. 'HuBERT-base (768-d)'. */
  standsInFor?: string;
  /**
   * The extractor that computes the paper's own encoder when the user supplies one ('hub-audio' for
   * `audioEncoder`, 'hub-text' for `textEncoder`, 'vggish' for `vggishWeights`; visual streams take
   * `visualEncoder` always).
   */
  paperExtractor?: string;
  /**
   * Presets whose network takes another kind of input on this stream, with the extractor that writes
   * it (e.g. AVT-CA's `paper` video: `face-crops`, raw face crops for its EfficientFace-style branch).
   * `mer extract --preset <p>` extracts it; presets not named here take `extractor`.
   */
  presetExtractors?: Readonly<Record<string, string>>;
}

/** How rows of a network's streams relate to time. */
export type StreamTiming =
  /** One row per decoded video frame (audio and text pooled onto frame times). */
  | { kind: 'frames' }
  /** One clip per item: `frames` video frames sampled over the centred `seconds`, audio frames of the same span. */
  | { kind: 'clip'; seconds: number; frames: number };

/** A network's outputs. */
export type NetworkOutput =
  /** [B, T, 2] valence, arousal */
  | { kind: 'va'; va: tf.Tensor3D }
  /** [B, K] class logits */
  | { kind: 'classification'; logits: tf.Tensor2D };

export interface ForwardOptions {
  /** [B, T] 1 for real frames, 0 for padding (frame-level networks). */
  mask?: tf.Tensor2D;
  training?: boolean;
  /** A stream to zero (modality dropout). */
  drop?: string;
}

/** A built network behind the uniform interface pipelines drive. */
export interface RecipeNetwork {
  /** The layer holding every trainable weight (checkpoints load into it). */
  readonly layer: MerLayer;
  /** Named streams, each [B, T, width], → outputs. */
  forward(streams: Record<string, tf.Tensor3D>, options?: ForwardOptions): NetworkOutput;
  /** Writes the network (config + weights) into `files`, which the recipe's `load` reads back. */
  save(files: ModelFiles): Promise<void>;
  /** Staged training: the named parts a stage trains (`TrainingStage.trains`), each its variables. */
  parts?(): Record<string, tf.Variable[]>;
  /** Staged training: builds a stage's auxiliary heads (`TrainingStage.heads`) on this network. */
  stageHeads?(heads: readonly string[]): StageHeads;
  /**
   * Closed-form networks (a kernel machine): fitted once on every training item instead of by epochs of
   * gradient descent; the trainer then validates and keeps it as its one epoch. Absent: trained by epochs.
   */
  fitClosedForm?(data: ClosedFormData): Promise<ClosedFormFit>;
}

/** Every training item at once, as `forward` would see it. */
export interface ClosedFormData {
  /** Named streams, each [N, T, width], standardised as for `forward`. */
  streams: Record<string, tf.Tensor3D>;
  /** [N] class indices. */
  labels: Int32Array;
  /** [N] each item's speaker (or other group) for inner leave-one-group-out selection; null when the items name none. */
  groups: readonly string[] | null;
}

/** What a closed-form fit chose and how. */
export interface ClosedFormFit {
  /** The selection score of the chosen setting on the training items (e.g. inner leave-one-speaker-out UAR). */
  innerScore?: number;
  /** One line for the run's record: what was chosen, by what. */
  note: string;
}

export interface BuildOptions {
  /** Config fields on top of the preset. */
  overrides?: Record<string, unknown>;
  /** Classification: the number of classes. */
  numClasses?: number;
}

/**
 * Everything a pipeline needs to know about one network: its task, its input streams and their
 * default extractors, presets, training profiles, and how to build, run, save and load it. The
 * three published networks export one each; a user's own network is a recipe like them.
 */
export interface NetworkRecipe {
  name: string;
  description: string;
  task: Task;
  timing: StreamTiming;
  streams: readonly StreamDeclaration[];
  presets: readonly string[];
  defaultPreset: string;
  /**
   * A preset's model config (its defaults): `--config`'s `model` overrides are checked against it
   * (unknown keys, wrong types) before anything is built. Absent: overrides are passed on unchecked.
   */
  presetConfig?: (preset: string) => object;
  /** Named training setups; `paper` is the paper's own. */
  training: { paper: TrainingConfig } & Record<string, TrainingConfig>;
  /** The profile used when none is named. Default 'paper'. */
  defaultProfile?: string;
  /** The setup `mer demo` uses on its small synthetic set (overrides on top of `profile`, default 'paper'). */
  demo?: { preset: string; profile?: string; training: Partial<TrainingConfig> };
  /** Classification: class names used when the data names none. */
  defaultClasses?: readonly string[];
  /** Streams that modality dropout zeroes, in turn. */
  droppable?: readonly string[];
  /**
   * A preset's training stages, in order (e.g. the paper's branch TCNs, then end to end). Absent or
   * undefined for a preset: one stage that trains every weight.
   */
  stages?: (preset: string) => readonly TrainingStage[] | undefined;
  /** Builds the network for the extracted streams' widths (by stream name). */
  build(widths: Record<string, number>, preset: string, options?: BuildOptions): RecipeNetwork;
  /** Loads what `RecipeNetwork.save` wrote. */
  load(files: ModelFiles): RecipeNetwork;
}

/** A preset's streams: each with the extractor that preset takes (`presetExtractors`, else the stream's default). */
export function presetStreams(recipe: Pick<NetworkRecipe, 'streams'>, preset: string): StreamDeclaration[] {
  return recipe.streams.map((d) => {
    const kind = d.presetExtractors?.[preset];
    return kind && kind !== d.extractor ? { ...d, extractor: kind } : d;
  });
}

/** The width of stream `name`, or an error naming the streams there are. */
export function streamWidth(recipe: Pick<NetworkRecipe, 'name'>, widths: Record<string, number>, name: string): number {
  const w = widths[name];
  if (w === undefined) throw new Error(`${recipe.name}: no '${name}' stream among the extracted features (${Object.keys(widths).join(', ')})`);
  return w;
}
