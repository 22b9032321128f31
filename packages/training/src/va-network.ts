import * as tf from '@tensorflow/tfjs-core';
import { MerLayer, saveWeights } from '@mer/attention-fusion';
import type { RecipeNetwork } from './network-recipe';

/** A network that predicts per-frame valence and arousal from its named inputs `I`. */
export interface VaPredictor<I> extends MerLayer {
  readonly config: object;
  predict(inputs: I, options: { mask?: tf.Tensor; training?: boolean }): { valence: tf.Tensor; arousal: tf.Tensor };
}

/**
 * The `RecipeNetwork` of a valence-arousal network: its `streams` (by name) in, `[B, T, 2]` out,
 * saved with its config under the model kind `kind` (what the recipe's `load` checks).
 */
export function vaNetwork<I>(model: VaPredictor<I>, kind: string, streams: readonly string[]): RecipeNetwork {
  return {
    layer: model,
    forward: (s, o = {}) => {
      const out = model.predict(Object.fromEntries(streams.map((n) => [n, s[n]])) as I, { mask: o.mask, training: o.training });
      return { kind: 'va', va: tf.stack([out.valence, out.arousal], -1) as tf.Tensor3D };
    },
    save: (files) => saveWeights(model, files, { model: kind, config: model.config }),
  };
}
