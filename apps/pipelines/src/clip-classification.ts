import * as tf from '@tensorflow/tfjs-core';
import type { ExtractedStream } from '@mer/feature-extractors';
import type { PipelineModel } from './pipeline-model';

/**
 * One clip's class probabilities from its streams (softmax; sigmoid per class when multi-label) and
 * its label: the most probable class, or every class above 0.5 joined with '+' ('none' when none is).
 */
export async function classifyClip(network: Pick<PipelineModel, 'forward'>, streams: Record<string, ExtractedStream>, classes: readonly string[], multiLabel: boolean): Promise<{ probabilities: number[]; label: string }> {
  const probs = tf.tidy(() => {
    const features = Object.fromEntries(Object.entries(streams).map(([m, s]) => [m, tf.tensor3d(s.data, [1, s.frames, s.dim])]));
    const out = network.forward({ features });
    if (out.kind !== 'classification') return tf.zeros([1, 1]);
    return multiLabel ? tf.sigmoid(out.logits) : tf.softmax(out.logits);
  });
  const probabilities = Array.from(await probs.data());
  probs.dispose();
  const label = multiLabel ? classes.filter((_, k) => probabilities[k] > 0.5).join('+') || 'none' : classes[probabilities.indexOf(Math.max(...probabilities))];
  return { probabilities, label };
}
