import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense, dropout, MerCallKwargs, MerLayer } from '@mer/attention-fusion';

export interface ClassificationHeadArgs {
  inputDim: number;
  numClasses: number;
  /** Independent sigmoid per class (CMU-MOSEI emotions) instead of one softmax. Default false. */
  multiLabel?: boolean;
  /** An optional hidden layer (ReLU). Default none: a single Linear (AVT-CA). */
  hidden?: number;
  /** Dropout before the output layer. Default 0. */
  dropout?: number;
  name?: string;
}

/** Typed classifier output, each [B, K]. */
export type ClassificationOutput = {
  logits: tf.Tensor;
  /** softmax (single-label) or sigmoid (multi-label). */
  probabilities: tf.Tensor;
};

/** Linear (optionally Linear → ReLU → Linear) classifier. [B, D] → logits [B, K]. */
export class ClassificationHead extends MerLayer {
  static className = 'MerClassificationHead';
  readonly args: Required<Omit<ClassificationHeadArgs, 'name'>>;
  private readonly layers: { kernel: tfl.LayerVariable; bias: tfl.LayerVariable }[] = [];

  constructor(args: ClassificationHeadArgs) {
    super({ name: args.name });
    this.args = { inputDim: args.inputDim, numClasses: args.numClasses, multiLabel: args.multiLabel ?? false, hidden: args.hidden ?? 0, dropout: args.dropout ?? 0 };
    const widths = this.args.hidden > 0 ? [args.inputDim, this.args.hidden, args.numClasses] : [args.inputDim, args.numClasses];
    for (let i = 0; i + 1 < widths.length; i++) {
      this.layers.push({
        kernel: this.param(`dense${i}_kernel`, [widths[i], widths[i + 1]], tfl.initializers.glorotUniform({})),
        bias: this.param(`dense${i}_bias`, [widths[i + 1]], tfl.initializers.zeros()),
      });
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      let h = Array.isArray(inputs) ? inputs[0] : inputs;
      this.layers.forEach((l, i) => {
        if (i === this.layers.length - 1) h = dropout(h, this.args.dropout, kwargs.training);
        h = dense(h, l.kernel.read(), l.bias.read());
        if (i < this.layers.length - 1) h = tf.relu(h);
      });
      return h;
    });
  }

  predict(x: tf.Tensor, options: { training?: boolean } = {}): ClassificationOutput {
    return tf.tidy(() => {
      const logits = this.apply(x, options) as tf.Tensor;
      return { logits, probabilities: this.args.multiLabel ? tf.sigmoid(logits) : tf.softmax(logits) };
    });
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    return [...inputShape.slice(0, -1), this.args.numClasses];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(ClassificationHead);
