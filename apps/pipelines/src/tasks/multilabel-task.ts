import * as tf from '@tensorflow/tfjs-core';
import { binaryCrossEntropyLoss } from '@mer/heads';
import { MultiLabelAccumulator, MultiLabelMetrics } from '@mer/metrics';
import { mixupRefused } from '../mixup';
import type { PipelineItem } from '../pipeline-types';
import { clipLogits } from './clip-scores';
import { clipTask } from './clip-task';
import type { TaskMetrics } from './task-definition';

type Metrics = TaskMetrics & { multilabel: MultiLabelMetrics };

function checkTargets(items: readonly PipelineItem[], classes: readonly string[] | undefined): void {
  for (const item of items) {
    const t = item.multiLabel;
    if (!t || t.length !== classes!.length || t.some((v) => v !== 0 && v !== 1)) {
      throw new Error(`${item.file}: item '${item.id}' needs a multi-label target of ${classes!.length} values in {0, 1} (${classes!.join(', ')}), got ${t ? `[${Array.from(t).join(', ')}]` : 'none'}`);
    }
  }
}

/**
 * Multi-label classification of clips (e.g. CMU-MOSEI's six emotions): each class present or not,
 * a sigmoid per class + binary cross-entropy, per-label accuracy, F1 and weighted accuracy, the kept
 * epoch chosen by mean F1. A run of it is recorded as `multiLabel: true` in pipeline.json and items.json.
 */
export const multiLabelTask = clipTask({
  name: 'multilabel',
  description: 'each class present or not (sigmoid per class, binary cross-entropy; per-label accuracy, F1, weighted accuracy)',
  mismatch: 'multi-label targets need a classification network',
  manifest: { multiLabel: true },
  checkLabels: checkTargets,
  loss: (output, target) =>
    tf.tidy(() => {
      if (!target.multiLabels) throw new Error('multi-label loss needs multi-label targets');
      return binaryCrossEntropyLoss(clipLogits(output), target.multiLabels);
    }),
  mixup: (_batch, alpha) => mixupRefused(alpha, 'multi-label'),
  clip: {
    probabilities: (logits) => tf.sigmoid(logits),
    // sigmoid(log(p / (1 − p))) = p.
    logits: (p) => tf.tidy(() => {
      const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
      return tf.sub(tf.log(q), tf.log(tf.sub(1, q))) as tf.Tensor2D;
    }),
    label: (p, classes) => classes.filter((_, k) => p[k] > 0.5).join('+') || 'none',
    metrics: (items, scores, classes) => {
      const acc = new MultiLabelAccumulator(classes.length, classes);
      acc.update(scores, Float32Array.from(items.flatMap((i) => Array.from(i.multiLabel ?? []))));
      return { task: 'multilabel', multilabel: acc.result(), items: items.length };
    },
  },
  selection: { metric: 'mean F1', direction: 'max', score: (m) => (m as Metrics).multilabel.meanF1 },
  summary: (m) => {
    const l = (m as Metrics).multilabel;
    return { meanAccuracy: l.meanAccuracy, meanF1: l.meanF1, meanWeightedAccuracy: l.meanWeightedAccuracy, perLabel: Object.fromEntries(l.perLabel.map((p, k) => [l.labels?.[k] ?? String(k), p])), items: m.items };
  },
  metricRows: (m) => {
    const l = (m as Metrics).multilabel;
    return [
      ['label', 'accuracy', 'F1', 'weighted accuracy', 'present'],
      ...l.perLabel.map((p, k) => [l.labels?.[k] ?? String(k), p.accuracy, p.f1, p.weightedAccuracy, `${p.positives}/${p.positives + p.negatives}`]),
      ['mean', l.meanAccuracy, l.meanF1, l.meanWeightedAccuracy, ''],
    ];
  },
});
