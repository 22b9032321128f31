import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyLoss } from '@mer/heads';
import { ClassificationMetrics, ConfusionMatrixAccumulator } from '@mer/metrics';
import { mixupBatch, mixupRefused } from '../mixup';
import type { PipelineItem } from '../pipeline-types';
import { clipLogits } from './clip-scores';
import { clipTask } from './clip-task';
import type { TaskMetrics } from './task-definition';

type Metrics = TaskMetrics & { classification: ClassificationMetrics };

/** scikit-learn's 'balanced' class weights N / (K · n_c); a class absent from training gets weight 0. */
export function balancedWeights(labels: readonly number[], k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const l of labels) counts[l]++;
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? labels.length / (present * c) : 0));
}

function checkClassLabels(items: readonly PipelineItem[], classes: readonly string[] | undefined): void {
  const k = classes!.length;
  for (const item of items) {
    if (item.classLabel === undefined || !Number.isInteger(item.classLabel) || item.classLabel < 0 || item.classLabel >= k) {
      throw new Error(`${item.file}: item '${item.id}' has class label ${item.classLabel}, expected 0..${k - 1} (${classes!.join(', ')})`);
    }
  }
}

/**
 * Single-label classification of clips: one class per item, softmax + cross-entropy (class-balanced
 * when asked), confusion-matrix metrics, the kept epoch chosen by macro-F1.
 */
export const classificationTask = clipTask({
  name: 'classification',
  description: 'one class per clip (softmax, cross-entropy; accuracy, macro-F1, UAR, confusion matrix)',
  checkLabels: checkClassLabels,
  classWeights: (items, classes, training) => (training.classBalance ? balancedWeights(items.map((i) => i.classLabel!), classes!.length) : null),
  loss: (output, target, options) =>
    tf.tidy(() => {
      if (!target.classLabels) throw new Error('classification loss needs class labels');
      return crossEntropyLoss(clipLogits(output), target.classLabels, { classWeights: options.classWeights ?? undefined });
    }),
  mixup: (batch, alpha, rng, speakers) => {
    if (!batch.classLabels || batch.multiLabels) mixupRefused(alpha, batch.multiLabels ? 'multi-label' : 'per-frame values');
    return mixupBatch({ ...batch, classLabels: batch.classLabels }, alpha, rng, speakers);
  },
  clip: {
    probabilities: (logits) => tf.softmax(logits),
    // softmax(log p) = p where p sums to 1.
    logits: (p) => tf.log(tf.maximum(p, 1e-30)) as tf.Tensor2D,
    label: (p, classes) => classes[p.indexOf(Math.max(...p))],
    metrics: (items, scores, classes) => {
      const acc = new ConfusionMatrixAccumulator(classes.length, classes);
      acc.updateFromScores(items.map((i) => i.classLabel ?? -1), scores);
      return { task: 'classification', classification: acc.result(), items: items.length };
    },
  },
  selection: { metric: 'macro-F1', direction: 'max', score: (m) => (m as Metrics).classification.macroF1 },
  summary: (m) => {
    const c = (m as Metrics).classification;
    return { accuracy: c.accuracy, macroF1: c.macroF1, weightedF1: c.weightedF1, uar: c.uar, confusionMatrix: c.confusionMatrix, labels: c.labels, items: m.items };
  },
  metricRows: (m) => {
    const c = (m as Metrics).classification;
    return [
      ['metric', 'value'],
      ['accuracy', c.accuracy],
      ['macro-F1', c.macroF1],
      ['weighted-F1', c.weightedF1],
      ['UAR', c.uar],
    ];
  },
  details: (m) => {
    const c = (m as Metrics).classification;
    const labels = c.labels ?? c.confusionMatrix.map((_, i) => String(i));
    return [{ heading: 'confusion matrix (rows: true, columns: predicted)', rows: [['', ...labels], ...c.confusionMatrix.map((row, i) => [labels[i], ...row.map(String)])] }];
  },
  demo: { data: 'classes', metric: 'macro-F1', chance: (classes) => 1 / classes!.length },
});
