import * as tf from '@tensorflow/tfjs-core';
import type { FeatureSource } from '@mer/datasets';
import type { ExtractedStream } from '@mer/feature-extractors';
import { ConfusionMatrixAccumulator, MultiLabelAccumulator, ValenceArousalAccumulator } from '@mer/metrics';
import { ClipDataset } from './clip-dataset';
import { predictFrames } from './frame-inference';
import type { PipelineModel } from './pipeline-model';
import type { PipelineItem, PipelineMetrics } from './pipeline-types';
import type { TrainingBatch } from './trainer';

/** Each batch of clips through the network: its class probabilities (softmax, or sigmoid per class for multi-label). */
async function eachClipBatch(model: PipelineModel, data: ClipDataset, activation: 'softmax' | 'sigmoid', use: (probs: Float32Array, batch: TrainingBatch) => Promise<void>): Promise<void> {
  for (const batch of data.batches({ batchSize: 32 })) {
    const probs = tf.tidy(() => {
      const out = model.forward(batch);
      if (out.kind !== 'classification') return tf.zeros([0]);
      return activation === 'sigmoid' ? tf.sigmoid(out.logits) : tf.softmax(out.logits);
    });
    await use((await probs.data()) as Float32Array, batch);
    probs.dispose();
    batch.dispose();
  }
}

/**
 * Class probabilities of clips from stored features, in item order: [items, classes] row-major
 * (softmax, or sigmoid per class for multi-label). The dataset may be passed in once (validation
 * every epoch).
 */
export async function clipScores(model: PipelineModel, stores: Record<string, FeatureSource>, items: readonly PipelineItem[], options: { clips?: ClipDataset; multiLabel?: boolean } = {}): Promise<Float32Array> {
  const data = options.clips ?? new ClipDataset(stores, items);
  const parts: Float32Array[] = [];
  await eachClipBatch(model, data, options.multiLabel ? 'sigmoid' : 'softmax', async (probs) => void parts.push(probs));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}

/** Confusion-matrix (or per-label) metrics of clip scores ([items, classes], as `clipScores` gives them). */
export function clipMetrics(items: readonly PipelineItem[], scores: Float32Array, options: { classes: readonly string[]; multiLabel?: boolean }): PipelineMetrics {
  const k = options.classes.length;
  if (scores.length !== items.length * k) throw new Error(`clipMetrics: ${scores.length} scores for ${items.length} items × ${k} classes`);
  if (options.multiLabel) {
    const acc = new MultiLabelAccumulator(k, options.classes);
    acc.update(scores, Float32Array.from(items.flatMap((i) => Array.from(i.multiLabel ?? []))));
    return { task: 'multilabel', multilabel: acc.result(), items: items.length };
  }
  const acc = new ConfusionMatrixAccumulator(k, options.classes);
  acc.updateFromScores(items.map((i) => i.classLabel ?? -1), scores);
  return { task: 'classification', classification: acc.result(), items: items.length };
}

/**
 * Metrics of stored features: confusion-matrix metrics of clips (the dataset may be passed in once,
 * for validation every epoch), or ABAW-pooled CCC/PCC/RMSE of frame-level items, read from the
 * stores one at a time and predicted with windows of `windowSize`.
 */
export async function evaluateStored(
  model: PipelineModel,
  stores: Record<string, FeatureSource>,
  items: readonly PipelineItem[],
  options: { classes?: readonly string[]; windowSize: number; clips?: ClipDataset; multiLabel?: boolean },
): Promise<PipelineMetrics> {
  if (model.recipe.task === 'classification') {
    return clipMetrics(items, await clipScores(model, stores, items, options), { classes: options.classes!, multiLabel: options.multiLabel });
  }
  const acc = new ValenceArousalAccumulator();
  for (const item of items) {
    const streams: Record<string, ExtractedStream> = {};
    for (const [m, store] of Object.entries(stores)) {
      const s = store.read(item.id);
      streams[m] = { data: s.data, mask: s.mask, frames: s.frames, dim: s.dim };
    }
    const labels = item.frameLabels!;
    const frames = labels.length / 2;
    const va = await predictFrames(model, options.windowSize, streams, frames);
    const pick = (src: Float32Array, d: number) => Float32Array.from({ length: frames }, (_, t) => src[t * 2 + d]);
    acc.update({ valence: pick(va, 0), arousal: pick(va, 1) }, { valence: pick(labels, 0), arousal: pick(labels, 1) });
  }
  return { task: 'va', va: acc.result(), items: items.length };
}

/** Plain-number summary of metrics for logs and JSON output. */
export function summariseMetrics(m: PipelineMetrics): Record<string, unknown> {
  if (m.task === 'va') {
    const r = (x: { ccc: number; pcc: number; rmse: number; mse: number }) => ({ ccc: x.ccc, pcc: x.pcc, rmse: x.rmse, mse: x.mse });
    return { ccc: m.va.ccc, valence: r(m.va.valence), arousal: r(m.va.arousal), items: m.items };
  }
  if (m.task === 'multilabel') {
    const l = m.multilabel;
    return { meanAccuracy: l.meanAccuracy, meanF1: l.meanF1, meanWeightedAccuracy: l.meanWeightedAccuracy, perLabel: Object.fromEntries(l.perLabel.map((p, k) => [l.labels?.[k] ?? String(k), p])), items: m.items };
  }
  const c = m.classification;
  return { accuracy: c.accuracy, macroF1: c.macroF1, weightedF1: c.weightedF1, uar: c.uar, confusionMatrix: c.confusionMatrix, labels: c.labels, items: m.items };
}
