import * as tf from '@tensorflow/tfjs-core';
import type { ExtractedStream } from '@mer/feature-extractors';
import type { ClipDataset } from '../clip-dataset';
import type { ModelOutput, PipelineModel } from '../pipeline-model';
import type { ClipReading } from './task-definition';

/** A clip network's [B, K] logits; a per-frame output is an error naming what was expected. */
export function clipLogits(output: ModelOutput): tf.Tensor2D {
  if (output.kind !== 'classification') throw new Error(`expected clip logits, got a '${output.kind}' output`);
  return output.logits;
}

/**
 * Clip probabilities of a dataset's clips, in item order: [items, classes] row-major, as the task
 * reads logits (softmax; sigmoid per class for multi-label).
 */
export async function clipScores(model: PipelineModel, data: ClipDataset, reading: Pick<ClipReading, 'probabilities'>): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (const batch of data.batches({ batchSize: 32 })) {
    const probs = tf.tidy(() => reading.probabilities(clipLogits(model.forward(batch))));
    parts.push((await probs.data()) as Float32Array);
    probs.dispose();
    batch.dispose();
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}

/** One clip's probabilities from its streams and its label, as the task reads them. */
export async function classifyClip(network: Pick<PipelineModel, 'forward'>, streams: Record<string, ExtractedStream>, classes: readonly string[], reading: ClipReading): Promise<{ probabilities: number[]; label: string }> {
  const probs = tf.tidy(() => {
    const features = Object.fromEntries(Object.entries(streams).map(([m, s]) => [m, tf.tensor3d(s.data, [1, s.frames, s.dim])]));
    return reading.probabilities(clipLogits(network.forward({ features })));
  });
  const probabilities = Array.from(await probs.data());
  probs.dispose();
  return { probabilities, label: reading.label(probabilities, classes) };
}
