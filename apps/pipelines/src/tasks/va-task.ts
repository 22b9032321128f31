import * as tf from '@tensorflow/tfjs-core';
import { SequenceDataset } from '@mer/datasets';
import type { ExtractedStream } from '@mer/feature-extractors';
import { vaMseLoss } from '@mer/heads';
import { cccLoss, labelMask, ValenceArousalAccumulator, ValenceArousalMetrics } from '@mer/metrics';
import { mixupRefused } from '../mixup';
import type { ModelOutput } from '../pipeline-model';
import { predictFrames } from './frame-inference';
import type { TaskDefinition, TaskMetrics } from './task-definition';
import { FRAME_PREDICTIONS } from './va-predictions';

type Metrics = TaskMetrics & { va: ValenceArousalMetrics };

/** A per-frame network's [B, T, 2] valence/arousal; a clip output is an error naming what was expected. */
export function frameValues(output: ModelOutput): tf.Tensor3D {
  if (output.kind !== 'va') throw new Error(`expected per-frame valence/arousal, got a '${output.kind}' output`);
  return output.va;
}

/** [B, T] 1 where a frame is real (mask) and labelled (≠ −5). */
export function labelledFrames(frameLabels: tf.Tensor3D, mask: tf.Tensor2D | undefined): tf.Tensor2D {
  return (mask ? tf.mul(labelMask(frameLabels), mask) : labelMask(frameLabels)) as tf.Tensor2D;
}

/**
 * Valence-arousal regression per frame (Aff-Wild2, ABAW): [T, 2] labels with −5 for unlabelled
 * frames, windows of the recording as batches, `mse` (MAVEN eq. 32) or `ccc` (1 − CCC) loss over
 * labelled frames, ABAW-pooled CCC/PCC/RMSE, the kept epoch chosen by mean CCC.
 */
export const vaTask: TaskDefinition = {
  name: 'va',
  description: 'per-frame valence and arousal in [−1, 1] (MSE or 1 − CCC; CCC, PCC, RMSE pooled over frames)',
  network: 'va',
  needsClasses: false,
  checkLabels: (items) => {
    for (const item of items) if (!item.frameLabels) throw new Error(`${item.file}: item '${item.id}' has no per-frame valence/arousal labels`);
  },
  checkTraining: (items, name) => {
    if (items.every((i) => i.frameLabels!.every((v) => v === -5))) {
      throw new Error(`${name}: the training items have no labelled frame (every value is −5): ${items.map((i) => i.file).join(', ')}`);
    }
  },
  dataset: (stores, items, training) =>
    new SequenceDataset(
      stores,
      items.map((i) => ({ id: i.id, frameLabels: i.frameLabels })),
      { window: training.window ?? undefined, requireValid: [] },
    ),
  loss: (output, target, options) =>
    tf.tidy(() => {
      if (!target.frameLabels) throw new Error('valence-arousal loss needs per-frame labels');
      const valid = labelledFrames(target.frameLabels, target.mask);
      if (options.kind === 'ccc') return cccLoss(frameValues(output), target.frameLabels, valid);
      return vaMseLoss(frameValues(output), target.frameLabels, valid);
    }),
  mixup: (_batch, alpha) => mixupRefused(alpha, 'per-frame values'),
  // Items are read from the stores one at a time and predicted with windows of `windowSize`.
  evaluator: (model, stores, items, options) => async () => {
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
  },
  selection: { metric: 'CCC', direction: 'max', score: (m) => (m as Metrics).va.ccc },
  summary: (m) => {
    const va = (m as Metrics).va;
    const r = (x: { ccc: number; pcc: number; rmse: number; mse: number }) => ({ ccc: x.ccc, pcc: x.pcc, rmse: x.rmse, mse: x.mse });
    return { ccc: va.ccc, valence: r(va.valence), arousal: r(va.arousal), items: m.items };
  },
  metricRows: (m) => {
    const va = (m as Metrics).va;
    return [
      ['metric', 'valence', 'arousal', 'mean'],
      ['CCC', va.valence.ccc, va.arousal.ccc, va.ccc],
      ['PCC', va.valence.pcc, va.arousal.pcc, (va.valence.pcc + va.arousal.pcc) / 2],
      ['RMSE', va.valence.rmse, va.arousal.rmse, (va.valence.rmse + va.arousal.rmse) / 2],
    ];
  },
  ...FRAME_PREDICTIONS,
  demo: { data: 'va', metric: 'CCC (mean V/A)', chance: () => 0 },
};
