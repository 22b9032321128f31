import * as tf from '@tensorflow/tfjs-core';
import { MerLayer, seedInitializers } from '@mer/attention-fusion';
import { AvtCaModel, avtCaConfig, loadAvtCaModel, saveAvtCaModel } from '@mer/avt-ca';
import type { PipelineName, StreamSpec } from '@mer/feature-extractors';
import { crossEntropyLoss, vaMseLoss } from '@mer/heads';
import { loadMavenModel, MavenModel, mavenConfig, saveMavenModel } from '@mer/maven';
import { cccLoss, labelMask } from '@mer/metrics';
import { loadTcnFusionModel, saveTcnFusionModel, TcnFusionModel, tcnFusionConfig } from '@mer/tcn-fusion';
import type { TrainingConfig } from './training-config';

/** Per-dimension mean and standard deviation of a feature stream. */
export interface FeatureStats {
  mean: number[];
  std: number[];
}

/**
 * Mean/std per dimension over the valid frames (mask 1) of the given items; a dimension with no
 * spread (or a stream with no valid frame) gets std 1 so it passes unscaled.
 */
export function featureStats(store: { read(id: string): { data: Float32Array; mask: Uint8Array; frames: number; dim: number } }, ids: readonly string[]): FeatureStats {
  let dim = 0;
  let n = 0;
  let sum = new Float64Array(0);
  let sq = new Float64Array(0);
  for (const id of ids) {
    const s = store.read(id);
    if (dim === 0) {
      dim = s.dim;
      sum = new Float64Array(dim);
      sq = new Float64Array(dim);
    }
    for (let t = 0; t < s.frames; t++) {
      if (!s.mask[t]) continue;
      n++;
      for (let d = 0; d < dim; d++) {
        const v = s.data[t * dim + d];
        sum[d] += v;
        sq[d] += v * v;
      }
    }
  }
  const mean = Array.from(sum, (v) => (n > 0 ? v / n : 0));
  const std = Array.from(sq, (v, d) => {
    const variance = n > 0 ? v / n - mean[d] * mean[d] : 0;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean, std };
}

/** What a pipeline predicts. */
export type Task = 'va' | 'classification';

export const PIPELINE_TASK: Record<PipelineName, Task> = { maven: 'va', 'tcn-fusion': 'va', 'avt-ca': 'classification' };

/** Model inputs of one batch: per modality [B, T, D], plus the [B, T] padding mask for frame-level pipelines. */
export interface ModelBatch {
  features: Record<string, tf.Tensor3D>;
  mask?: tf.Tensor2D;
}

/** Outputs: frame-level [B, T, 2] (valence, arousal) or clip-level [B, K] logits. */
export type ModelOutput = { kind: 'va'; va: tf.Tensor3D } | { kind: 'classification'; logits: tf.Tensor2D };

/**
 * One of the three networks behind a uniform interface: build from a preset and the extracted
 * streams' widths, run a batch, compute the configured loss, save/load.
 */
export class PipelineModel {
  private normalisers: Record<string, { mean: tf.Tensor1D; scale: tf.Tensor1D }> = {};

  private constructor(
    readonly pipeline: PipelineName,
    readonly network: MavenModel | TcnFusionModel | AvtCaModel,
  ) {}

  /**
   * Per-stream standardisation `(x − mean) / std` applied to every input (statistics of the training
   * set's valid frames, kept in the run's pipeline.json).
   */
  setNormalisation(stats: Record<string, FeatureStats>): void {
    tf.dispose(Object.values(this.normalisers).flatMap((n) => [n.mean, n.scale]));
    this.normalisers = {};
    for (const [m, s] of Object.entries(stats)) {
      this.normalisers[m] = { mean: tf.tensor1d(s.mean), scale: tf.tensor1d(s.std.map((v) => 1 / v)) };
    }
  }

  private normalise(features: Record<string, tf.Tensor3D>): Record<string, tf.Tensor3D> {
    const out: Record<string, tf.Tensor3D> = {};
    for (const [m, x] of Object.entries(features)) {
      const n = this.normalisers[m];
      out[m] = n ? (tf.mul(tf.sub(x, n.mean), n.scale) as tf.Tensor3D) : x;
    }
    return out;
  }

  /** Builds the network; with `seed` its initial weights are reproducible. */
  static create(pipeline: PipelineName, preset: string, streams: readonly StreamSpec[], options: { numClasses?: number; overrides?: Record<string, unknown>; seed?: number } = {}): PipelineModel {
    seedInitializers(options.seed ?? null);
    try {
      return PipelineModel.build(pipeline, preset, streams, options);
    } finally {
      seedInitializers(null);
    }
  }

  private static build(pipeline: PipelineName, preset: string, streams: readonly StreamSpec[], options: { numClasses?: number; overrides?: Record<string, unknown> }): PipelineModel {
    const dim = (m: string) => {
      const s = streams.find((x) => x.modality === m);
      if (!s) throw new Error(`${pipeline}: no '${m}' stream among the extracted features (${streams.map((x) => x.modality).join(', ')})`);
      return s.dim;
    };
    const o = options.overrides ?? {};
    if (pipeline === 'maven') return new PipelineModel(pipeline, new MavenModel(mavenConfig(preset, { visualDim: dim('visual'), audioDim: dim('audio'), textDim: dim('text'), ...o })));
    if (pipeline === 'tcn-fusion') {
      return new PipelineModel(pipeline, new TcnFusionModel(tcnFusionConfig(preset, { visualDim: dim('visual'), vggishDim: dim('vggish'), logmelDim: dim('logmel'), ...o })));
    }
    const config = avtCaConfig(preset, { audioDim: dim('audio'), videoDim: dim('video'), numClasses: options.numClasses ?? 8, ...o });
    if (config.mode !== 'features') throw new Error(`avt-ca preset '${preset}' is raw-frame mode; pipelines extract per-frame face embeddings — use 'features' or 'lite'`);
    return new PipelineModel(pipeline, new AvtCaModel(config));
  }

  static load(pipeline: PipelineName, dir: string): PipelineModel {
    if (pipeline === 'maven') return new PipelineModel(pipeline, loadMavenModel(dir));
    if (pipeline === 'tcn-fusion') return new PipelineModel(pipeline, loadTcnFusionModel(dir));
    return new PipelineModel(pipeline, loadAvtCaModel(dir));
  }

  async save(dir: string): Promise<void> {
    const n = this.network;
    if (n instanceof MavenModel) await saveMavenModel(n, dir);
    else if (n instanceof TcnFusionModel) await saveTcnFusionModel(n, dir);
    else await saveAvtCaModel(n, dir);
  }

  get layer(): MerLayer {
    return this.network;
  }

  /** Runs a batch. `drop` zeroes a modality (AVT-CA modality dropout). */
  forward(batch: ModelBatch, options: { training?: boolean; drop?: 'audio' | 'video' } = {}): ModelOutput {
    const f = this.normalise(batch.features);
    const n = this.network;
    if (n instanceof MavenModel) {
      const out = n.predict({ visual: f['visual'], audio: f['audio'], text: f['text'] }, { mask: batch.mask, training: options.training });
      return { kind: 'va', va: tf.stack([out.valence, out.arousal], -1) as tf.Tensor3D };
    }
    if (n instanceof TcnFusionModel) {
      const out = n.predict({ visual: f['visual'], vggish: f['vggish'], logmel: f['logmel'] }, { mask: batch.mask, training: options.training });
      return { kind: 'va', va: tf.stack([out.valence, out.arousal], -1) as tf.Tensor3D };
    }
    const out = n.predict(
      { audio: f['audio'], video: f['video'] },
      { training: options.training, dropAudio: options.drop === 'audio', dropVideo: options.drop === 'video' },
    );
    return { kind: 'classification', logits: out.logits as tf.Tensor2D };
  }

  /**
   * The configured loss. VA: `mse` (MAVEN eq. 32) or `ccc` (1 − CCC), over frames that are real
   * (mask) and labelled (≠ −5); classification: cross-entropy.
   */
  loss(output: ModelOutput, target: { frameLabels?: tf.Tensor3D; classLabels?: tf.Tensor1D; mask?: tf.Tensor2D }, kind: TrainingConfig['loss']): tf.Scalar {
    return tf.tidy(() => {
      if (output.kind === 'classification') {
        if (!target.classLabels) throw new Error('classification loss needs class labels');
        return crossEntropyLoss(output.logits, target.classLabels);
      }
      if (!target.frameLabels) throw new Error('valence-arousal loss needs per-frame labels');
      const valid = target.mask ? tf.mul(labelMask(target.frameLabels), target.mask) : labelMask(target.frameLabels);
      if (kind === 'ccc') return cccLoss(output.va, target.frameLabels, valid);
      return vaMseLoss(output.va, target.frameLabels, valid);
    });
  }

  parameterCount(): number {
    return this.network.parameterCount();
  }

  dispose(): void {
    this.setNormalisation({});
    this.network.dispose();
  }
}
