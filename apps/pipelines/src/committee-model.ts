import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PipelineExtractor, type PipelineExtractorOptions } from '@mer/feature-extractors';
import type { NetworkOutput, RecipeNetwork } from '@mer/training';
import type { CommitteeRecord } from './committee-record';
import { Pipeline, loadPipeline } from './pipeline';
import type { PipelineManifest } from './pipeline-manifest';
import { ModelBatch, ModelOutput, PipelineModel } from './pipeline-model';
import type { TaskDefinition } from './tasks/task-definition';

/** How a task's outputs average: 'probabilities' for class logits read by softmax (or sigmoid, multi-label), or the VA values. */
export function committeeCombine(task: TaskDefinition): CommitteeRecord['combine'] {
  if (task.network === 'va') return 'mean valence/arousal';
  if (task.name !== 'classification' && task.name !== 'multilabel') throw new Error(`task '${task.name}': a committee averages class probabilities (classification, multilabel) or valence/arousal; this task's outputs have no declared mean`);
  return 'mean probabilities';
}

/**
 * The members' outputs as one: valence/arousal averaged; class logits whose softmax (or, multi-label,
 * sigmoid) is the members' mean probabilities: log p̄ (softmax(log p̄) = p̄, as p̄ sums to 1), or
 * log(p̄ / (1 − p̄)).
 */
function meanOutput(outputs: readonly ModelOutput[], multiLabel: boolean): NetworkOutput {
  if (outputs.every((o) => o.kind === 'va')) return { kind: 'va', va: tf.tidy(() => tf.div(tf.addN(outputs.map((o) => (o as { va: tf.Tensor3D }).va)), outputs.length) as tf.Tensor3D) };
  const logits = tf.tidy(() => {
    const each = outputs.map((o) => (o.kind === 'classification' ? o.logits : null)!);
    const p = tf.div(tf.addN(each.map((l) => (multiLabel ? tf.sigmoid(l) : tf.softmax(l)))), each.length); // [B, K]
    if (!multiLabel) return tf.log(tf.maximum(p, 1e-30)) as tf.Tensor2D;
    const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    return tf.sub(tf.log(q), tf.log(tf.sub(1, q))) as tf.Tensor2D;
  });
  return { kind: 'classification', logits };
}

/**
 * A committee's members behind one model: each member standardises the batch with its own training
 * statistics and runs; the outputs are averaged (`meanOutput`). Evaluation and prediction use it as
 * any network. It is not trained and not saved: its members are runs of their own.
 */
export class CommitteeModel extends PipelineModel {
  private constructor(
    private readonly members: readonly Pipeline[],
    network: RecipeNetwork,
  ) {
    super(members[0].recipe, network);
  }

  static of(members: readonly Pipeline[], multiLabel: boolean): CommitteeModel {
    const models = members.map((p) => p.network);
    const network: RecipeNetwork = {
      layer: models[0].layer,
      forward: (streams, options = {}) => {
        const outputs = models.map((m) => m.forward({ features: streams, mask: options.mask }, { training: false }));
        try {
          return meanOutput(outputs, multiLabel);
        } finally {
          tf.dispose(outputs.map((o) => (o.kind === 'va' ? o.va : o.logits)));
        }
      },
      save: () => Promise.reject(new Error('a committee is saved as its members (members/<k>); save a member')),
    };
    return new CommitteeModel(members, network);
  }

  /** Each member keeps its own training statistics. */
  override setNormalisation(): void {
    // Nothing to set: the members standardise their inputs themselves.
  }

  override forward(batch: ModelBatch): ModelOutput {
    return this.network.forward(batch.features, { mask: batch.mask });
  }

  override get closedForm(): boolean {
    return false;
  }

  override parameterCount(): number {
    return this.members.reduce((s, p) => s + p.network.parameterCount(), 0);
  }

  override dispose(): void {
    for (const p of this.members) p.dispose();
  }
}

/**
 * Loads a committee run: every member (`<run>/members/<k>`, each a run of its own) behind one
 * pipeline whose network averages them. Refused, naming the member, while one is not trained.
 */
export async function loadCommittee(runDir: string, m: PipelineManifest, reading: Partial<PipelineExtractorOptions>): Promise<Pipeline> {
  const record = m.committee!;
  if (record.trained.length < record.members) {
    throw new Error(`${runDir}: committee member ${record.trained.length + 1} of ${record.members} is not trained yet — continue it with mer train --resume --out ${runDir}`);
  }
  const members: Pipeline[] = [];
  try {
    for (const t of record.trained) {
      const dir = path.join(runDir, t.run);
      if (!fs.existsSync(path.join(dir, 'best'))) throw new Error(`${dir}: committee member ${t.member} has no trained model (no best/ folder)`);
      members.push(await loadPipeline(dir, reading));
    }
  } catch (e) {
    for (const p of members) p.dispose();
    throw e;
  }
  const first = members[0];
  const model = CommitteeModel.of(members, first.task.name === 'multilabel');
  const extractor = PipelineExtractor.deferred(first.recipe, m.extractor, m.streams);
  const pipeline = new Pipeline(first.recipe, m.preset, extractor, first.training, m.classes, m.model, model, m.extractor, first.task);
  // Predictions mask what training never saw (the members share their streams); the statistics stay each member's.
  if (m.normalisation) pipeline.setNormalisation(m.normalisation);
  pipeline.selection = m.selection;
  pipeline.utterance = first.utterance;
  pipeline.committee = record;
  return pipeline;
}
