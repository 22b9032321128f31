import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense, dropout, gelu, LayerNorm, MerCallKwargs, MerLayer } from '@mer/attention-fusion';

export interface VaRegressionHeadArgs {
  inputDim: number;
  /** Hidden width. Default 256. */
  hidden?: number;
  /** Default 0.1. */
  dropout?: number;
  /** Clamp outputs to (−1, 1) with tanh. Default false. */
  tanh?: boolean;
  name?: string;
}

/** Typed valence-arousal output, each [B, T]. */
export type VaOutput = {
  valence: tf.Tensor;
  arousal: tf.Tensor;
};

/**
 * TCN-fusion's regression head (eqs. 11–15): LayerNorm → Linear → GELU → Dropout → Linear → (v, a),
 * optionally tanh. [B, T, D] → [B, T, 2] with `apply`; typed {valence, arousal} with `predict`.
 */
export class VaRegressionHead extends MerLayer {
  static className = 'MerVaRegressionHead';
  readonly args: Required<Omit<VaRegressionHeadArgs, 'name'>>;
  private readonly kernel1: tfl.LayerVariable;
  private readonly bias1: tfl.LayerVariable;
  private readonly kernel2: tfl.LayerVariable;
  private readonly bias2: tfl.LayerVariable;
  private readonly norm: LayerNorm;

  constructor(args: VaRegressionHeadArgs) {
    super({ name: args.name });
    this.args = { inputDim: args.inputDim, hidden: args.hidden ?? 256, dropout: args.dropout ?? 0.1, tanh: args.tanh ?? false };
    this.kernel1 = this.param('dense1_kernel', [args.inputDim, this.args.hidden], tfl.initializers.glorotUniform({}));
    this.bias1 = this.param('dense1_bias', [this.args.hidden], tfl.initializers.zeros());
    this.kernel2 = this.param('dense2_kernel', [this.args.hidden, 2], tfl.initializers.glorotUniform({}));
    this.bias2 = this.param('dense2_bias', [2], tfl.initializers.zeros());
    this.norm = this.track(new LayerNorm({ dim: args.inputDim, name: `${this.name}_norm` }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const h = dropout(gelu(dense(this.norm.apply(x) as tf.Tensor, this.kernel1.read(), this.bias1.read())), this.args.dropout, kwargs.training);
      const out = dense(h, this.kernel2.read(), this.bias2.read());
      return this.args.tanh ? tf.tanh(out) : out;
    });
  }

  predict(x: tf.Tensor, options: { training?: boolean } = {}): VaOutput {
    return tf.tidy(() => {
      const [valence, arousal] = tf.split(this.apply(x, options) as tf.Tensor, 2, -1).map((t) => tf.squeeze(t, [-1]));
      return { valence, arousal };
    });
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    return [...inputShape.slice(0, -1), 2];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(VaRegressionHead);
