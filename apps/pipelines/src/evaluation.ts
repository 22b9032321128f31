import * as tf from '@tensorflow/tfjs-core';
import type { FeatureStore } from '@mer/datasets';
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
 * Metrics of stored features: confusion-matrix metrics of clips (the dataset may be passed in once,
 * for validation every epoch), or ABAW-pooled CCC/PCC/RMSE of frame-level items, read from the
 * stores one at a time and predicted with windows of `windowSize`.
 */
export async function evaluateStored(
  model: PipelineModel,
  stores: Record<string, FeatureStore>,
  items: readonly PipelineItem[],
  options: { classes?: readonly string[]; windowSize: number; clips?: ClipDataset; multiLabel?: boolean },
): Promise<PipelineMetrics> {
  if (model.recipe.task === 'classification') {
    const classes = options.classes!;
    const data = options.clips ?? new ClipDataset(stores, items);
    if (options.multiLabel) {
      const acc = new MultiLabelAccumulator(classes.length, classes);
      await eachClipBatch(model, data, 'sigmoid', async (probs, batch) => void acc.update(probs, await batch.multiLabels!.data()));
      return { task: 'multilabel', multilabel: acc.result(), items: items.length };
    }
    const acc = new ConfusionMatrixAccumulator(classes.length, classes);
    await eachClipBatch(model, data, 'softmax', async (probs, batch) => void acc.updateFromScores(await batch.classLabels!.data(), probs));
    return { task: 'classification', classification: acc.result(), items: items.length };
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
