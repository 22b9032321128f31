import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense, MerLayer } from './mer-layer';

export interface GatedFusionArgs {
  /** Width of both inputs and the output. */
  dim: number;
  name?: string;
}

/**
 * Gated fusion of two aligned streams (TCN-fusion's official-code preset):
 * `g = σ(W[v; a] + b)`, `out = g·v + (1 − g)·a`. Inputs [B, T, d] × 2 → [B, T, d].
 */
export class GatedFusion extends MerLayer {
  static className = 'MerGatedFusion';
  readonly dim: number;
  private readonly kernel: tfl.LayerVariable;
  private readonly bias: tfl.LayerVariable;

  constructor(args: GatedFusionArgs) {
    super({ name: args.name });
    this.dim = args.dim;
    this.kernel = this.param('kernel', [2 * args.dim, args.dim], tfl.initializers.glorotUniform({}));
    this.bias = this.param('bias', [args.dim], tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [v, a] = inputs as tf.Tensor[];
      const g = tf.sigmoid(dense(tf.concat([v, a], -1), this.kernel.read(), this.bias.read()));
      return tf.add(tf.mul(g, v), tf.mul(tf.sub(1, g), a));
    });
  }

  override computeOutputShape(inputShape: tfl.Shape[]): tfl.Shape {
    return inputShape[0];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim };
  }
}
tf.serialization.registerClass(GatedFusion);
