import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MerCallKwargs, MerLayer } from './mer-layer';

export interface BatchNormArgs {
  /** Channels C (the last axis). */
  dim: number;
  /** PyTorch convention: running = (1 − momentum)·running + momentum·batch. Default 0.1. */
  momentum?: number;
  /** Default 1e-5. */
  epsilon?: number;
  name?: string;
}

/**
 * Batch normalisation over every axis but the last (BatchNorm1d/2d for channels-last tensors):
 * batch statistics while training (and running averages updated, with the unbiased variance as in
 * PyTorch), running statistics otherwise. [..., C] → [..., C].
 */
export class BatchNorm extends MerLayer {
  static className = 'MerBatchNorm';
  readonly dim: number;
  readonly momentum: number;
  readonly epsilon: number;
  private readonly gamma: tfl.LayerVariable;
  private readonly beta: tfl.LayerVariable;
  private readonly movingMean: tfl.LayerVariable;
  private readonly movingVariance: tfl.LayerVariable;

  constructor(args: BatchNormArgs) {
    super({ name: args.name });
    this.dim = args.dim;
    this.momentum = args.momentum ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-5;
    this.gamma = this.param('gamma', [args.dim], tfl.initializers.ones());
    this.beta = this.param('beta', [args.dim], tfl.initializers.zeros());
    this.movingMean = this.addWeight(`${this.name}/moving_mean`, [args.dim], 'float32', tfl.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight(`${this.name}/moving_variance`, [args.dim], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (kwargs.training) {
        ({ mean, variance } = tf.moments(x, axes));
        const n = x.size / this.dim;
        const m = this.momentum;
        // Running statistics are state, not parameters: assigning them is not part of the gradient.
        const unbiased = tf.mul(variance, n / Math.max(1, n - 1));
        this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), 1 - m), tf.mul(mean, m)));
        this.movingVariance.write(tf.add(tf.mul(this.movingVariance.read(), 1 - m), tf.mul(unbiased, m)));
      } else {
        mean = this.movingMean.read();
        variance = this.movingVariance.read();
      }
      const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normed, this.gamma.read()), this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(BatchNorm);
