import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { layerNorm } from '@mer/backend';
import { MerLayer } from './mer-layer';

export interface LayerNormArgs {
  dim: number;
  /** Default 1e-5 (PyTorch's; tfjs' own layer uses 1e-3). */
  epsilon?: number;
  name?: string;
}

/** LayerNorm over the last axis with learned γ and β (PyTorch's nn.LayerNorm). @param x [..., D] → [..., D] */
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
    // One kernel forward and one backward on wasm (@mer/backend's layerNorm), tfjs ops elsewhere.
    return tf.tidy(() => layerNorm(Array.isArray(inputs) ? inputs[0] : inputs, this.gamma.read(), this.beta.read(), this.epsilon));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(LayerNorm);
