import * as tf from '@tensorflow/tfjs-core';
import { MerLayer, seedInitializers } from '@mer/attention-fusion';
import type { ModelFiles } from '@mer/backend';
import type { StreamSpec } from '@mer/feature-extractors';
import { folderFiles } from '@mer/media';
import type { ClosedFormFit, ForwardOptions, NetworkOutput, NetworkRecipe, RecipeNetwork } from '@mer/training';
import type { FeatureStats } from './feature-stats';

/** Model inputs of one batch: per stream [B, T, D], plus the [B, T] padding mask for frame-level networks. */
export interface ModelBatch {
  features: Record<string, tf.Tensor3D>;
  mask?: tf.Tensor2D;
}

/** Outputs: frame-level [B, T, 2] (valence, arousal) or clip-level [B, K] logits. */
export type ModelOutput = NetworkOutput;

/**
 * A recipe's network with what pipelines add around it: per-stream input standardisation (the loss
 * is the task's). Built from a preset and the extracted streams' widths, or loaded.
 */
export class PipelineModel {
  private normalisers: Record<string, { mean: tf.Tensor1D; scale: tf.Tensor1D; meanValues: Float32Array }> = {};
  private pixels = new Set<string>();

  protected constructor(
    readonly recipe: NetworkRecipe,
    readonly network: RecipeNetwork,
  ) {}

  /** Builds the network; with `seed` its initial weights are reproducible. */
  static create(recipe: NetworkRecipe, preset: string, streams: readonly StreamSpec[], options: { numClasses?: number; overrides?: Record<string, unknown>; seed?: number } = {}): PipelineModel {
    seedInitializers(options.seed ?? null);
    try {
      const widths = Object.fromEntries(streams.map((s) => [s.name, s.dim]));
      return new PipelineModel(recipe, recipe.build(widths, preset, { overrides: options.overrides, numClasses: options.numClasses }));
    } finally {
      seedInitializers(null);
    }
  }

  /** Loads a saved network from the folder `dir`. */
  static load(recipe: NetworkRecipe, dir: string): PipelineModel {
    return PipelineModel.fromFiles(recipe, folderFiles(dir));
  }

  /** Loads a saved network from its files given as bytes (a page that fetched them: no disk). */
  static fromFiles(recipe: NetworkRecipe, files: ModelFiles): PipelineModel {
    return new PipelineModel(recipe, recipe.load(files));
  }

  /** Saves the network into the folder `dir` (each file atomically). */
  async save(dir: string): Promise<void> {
    await this.network.save(folderFiles(dir));
  }

  get layer(): MerLayer {
    return this.network.layer;
  }

  /**
   * Per-stream standardisation `(x − mean) / std` applied to every input (statistics of the training
   * set's valid frames, kept in the run's pipeline.json); pixel streams pass unchanged.
   */
  setNormalisation(stats: Record<string, FeatureStats>): void {
    tf.dispose(Object.values(this.normalisers).flatMap((n) => [n.mean, n.scale]));
    this.normalisers = {};
    this.pixels = new Set(Object.entries(stats).filter(([, s]) => s.values === 'pixels').map(([m]) => m));
    for (const [m, s] of Object.entries(stats)) {
      if (s.values === 'pixels') continue; // images: the network scales them itself
      this.normalisers[m] = { mean: tf.tensor1d(s.mean), scale: tf.tensor1d(s.std.map((v) => 1 / v)), meanValues: Float32Array.from(s.mean) };
    }
  }

  /** A stream's training mean per dimension (what standardisation maps to 0), or undefined when it has no statistics. */
  normalisationMean(stream: string): Float32Array | undefined {
    return this.normalisers[stream]?.meanValues;
  }

  /** Whether a stream holds images (face crops) that pass unstandardised, as the training statistics say. */
  isPixelStream(stream: string): boolean {
    return this.pixels.has(stream);
  }

  private normalise(features: Record<string, tf.Tensor3D>): Record<string, tf.Tensor3D> {
    const out: Record<string, tf.Tensor3D> = {};
    for (const [m, x] of Object.entries(features)) {
      const n = this.normalisers[m];
      out[m] = n ? (tf.mul(tf.sub(x, n.mean), n.scale) as tf.Tensor3D) : x;
    }
    return out;
  }

  /** Runs a batch. `drop` zeroes one stream (modality dropout). */
  forward(batch: ModelBatch, options: { training?: boolean; drop?: string } = {}): ModelOutput {
    return this.network.forward(this.normalise(batch.features), { mask: batch.mask, training: options.training, drop: options.drop });
  }

  /** Whether the network is fitted in closed form (a kernel machine) rather than by gradient descent. */
  get closedForm(): boolean {
    return typeof this.network.fitClosedForm === 'function';
  }

  /** Fits a closed-form network on a batch of every training item, standardised as for `forward`. */
  async fitClosedForm(batch: ModelBatch, labels: Int32Array, groups: readonly string[] | null): Promise<ClosedFormFit> {
    const streams = this.normalise(batch.features);
    try {
      return await this.network.fitClosedForm!({ streams, labels, groups });
    } finally {
      tf.dispose(Object.entries(streams).filter(([m, x]) => x !== batch.features[m]).map(([, x]) => x));
    }
  }

  /** Runs `net` (a training stage's auxiliary heads) on a batch, standardised as for `forward`. */
  forwardWith<T>(net: { forward(streams: Record<string, tf.Tensor3D>, options?: ForwardOptions): T }, batch: ModelBatch, options: { training?: boolean; drop?: string } = {}): T {
    return net.forward(this.normalise(batch.features), { mask: batch.mask, training: options.training, drop: options.drop });
  }

  /**
   * The same weights and standardisation with another output (e.g. one of a stage's heads), for
   * validation; the view owns nothing: dispose the model, never the view.
   */
  view(forward: RecipeNetwork['forward']): PipelineModel {
    const v = new PipelineModel(this.recipe, { ...this.network, forward });
    v.normalisers = this.normalisers;
    return v;
  }

  parameterCount(): number {
    return this.network.layer.parameterCount();
  }

  dispose(): void {
    this.setNormalisation({});
    this.network.layer.dispose();
  }
}
