import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MerLayer } from './mer-layer';

export interface LayerNormArgs {
  dim: number;
  /** Default 1e-5 (PyTorch's; tfjs' own layer uses 1e-3). */
  epsilon?: number;
  name?: string;
}

/** LayerNorm over the last axis with learned γ and β. @param x [..., D] → [..., D] */
export class LayerNorm extends MerLayer {
  static className = 'MerLayerNorm';
  readonly dim: number;
  readonly epsilon: number;
  private readonly gamma: tfl.LayerVariable;
  private readonly beta: tfl.LayerVariable;

  constructor(args: LayerNormArgs) {
    super({ name: args.name });
    this.dim = args.dim;
    this.epsilon = args.epsilon ?? 1e-5;
    this.gamma = this.param('gamma', [args.dim], tfl.initializers.ones());
    this.beta = this.param('beta', [args.dim], tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normed, this.gamma.read()), this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(LayerNorm);
