import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BatchNorm } from './batch-norm';
import { MerCallKwargs, MerLayer } from './mer-layer';

export interface Conv1dBlockArgs {
  inputDim: number;
  outputDim: number;
  /** Default 3. */
  kernelSize?: number;
  /** 'valid' (AVT-CA audio) or 'same' (AVT-CA temporal video convs). Default 'valid'. */
  padding?: 'valid' | 'same';
  /** MaxPool1d window with stride 1 after the activation; 0 = none. AVT-CA audio: 2. Default 0. */
  poolSize?: number;
  name?: string;
}

/**
 * Conv1d → BatchNorm → ReLU (→ MaxPool1d(pool, stride 1)), AVT-CA's audio and temporal blocks.
 * [B, T, Cin] → [B, T', Cout] with T' = T − (k − 1) − (pool − 1) for 'valid'.
 */
export class Conv1dBlock extends MerLayer {
  static className = 'MerConv1dBlock';
  readonly args: Required<Omit<Conv1dBlockArgs, 'name'>>;
  private readonly kernel: tfl.LayerVariable;
  private readonly bias: tfl.LayerVariable;
  private readonly norm: BatchNorm;

  constructor(args: Conv1dBlockArgs) {
    super({ name: args.name });
    this.args = { inputDim: args.inputDim, outputDim: args.outputDim, kernelSize: args.kernelSize ?? 3, padding: args.padding ?? 'valid', poolSize: args.poolSize ?? 0 };
    this.kernel = this.param('kernel', [this.args.kernelSize, args.inputDim, args.outputDim], tfl.initializers.heNormal({}));
    this.bias = this.param('bias', [args.outputDim], tfl.initializers.zeros());
    this.norm = this.track(new BatchNorm({ dim: args.outputDim, name: `${this.name}_bn` }));
    this.built = true;
  }

  /** Output length for an input of length t. */
  outputLength(t: number): number {
    const afterConv = this.args.padding === 'valid' ? t - this.args.kernelSize + 1 : t;
    return this.args.poolSize > 1 ? afterConv - this.args.poolSize + 1 : afterConv;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const y = tf.add(tf.conv1d(x, this.kernel.read() as tf.Tensor3D, 1, this.args.padding), this.bias.read());
      let h = tf.relu(this.norm.apply(y, kwargs) as tf.Tensor) as tf.Tensor3D; // [B, T', C]
      if (this.args.poolSize > 1) {
        const [b, t, c] = h.shape;
        const pooled = tf.maxPool(tf.reshape(h, [b, t, 1, c]) as tf.Tensor4D, [this.args.poolSize, 1], 1, 'valid'); // [B, T'−p+1, 1, C]
        h = tf.reshape(pooled, [b, t - this.args.poolSize + 1, c]);
      }
      return h;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(Conv1dBlock);
