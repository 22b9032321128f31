import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BatchNorm } from './batch-norm';
import { MerCallKwargs, MerLayer } from './mer-layer';

export interface Conv2dBnArgs {
  inputChannels: number;
  outputChannels: number;
  kernelSize: number;
  stride?: number;
  dilation?: number;
  /** Depthwise (one filter group per input channel; outputChannels must be a multiple of inputChannels). */
  depthwise?: boolean;
  /** Bias on the convolution (off when BatchNorm follows, as in EfficientFace). Default false. */
  bias?: boolean;
  /** BatchNorm after the convolution. Default true. */
  batchNorm?: boolean;
  /** ReLU at the end. Default true. */
  relu?: boolean;
  name?: string;
}

/**
 * Conv2d (regular or depthwise, 'same'-style padding of k // 2 · dilation like PyTorch's `padding=k//2`)
 * → BatchNorm → ReLU, channels-last. [B, H, W, Cin] → [B, H', W', Cout].
 */
export class Conv2dBn extends MerLayer {
  static className = 'MerConv2dBn';
  readonly args: Required<Omit<Conv2dBnArgs, 'name'>>;
  private readonly kernel: tfl.LayerVariable;
  private readonly bias?: tfl.LayerVariable;
  private readonly norm?: BatchNorm;

  constructor(args: Conv2dBnArgs) {
    super({ name: args.name });
    this.args = {
      inputChannels: args.inputChannels,
      outputChannels: args.outputChannels,
      kernelSize: args.kernelSize,
      stride: args.stride ?? 1,
      dilation: args.dilation ?? 1,
      depthwise: args.depthwise ?? false,
      bias: args.bias ?? false,
      batchNorm: args.batchNorm ?? true,
      relu: args.relu ?? true,
    };
    const { inputChannels: ci, outputChannels: co, kernelSize: k, depthwise } = this.args;
    if (depthwise && co % ci !== 0) throw new Error(`${this.name}: depthwise output ${co} is not a multiple of input ${ci}`);
    this.kernel = this.param('kernel', depthwise ? [k, k, ci, co / ci] : [k, k, ci, co], tfl.initializers.heNormal({}));
    if (this.args.bias) this.bias = this.param('bias', [co], tfl.initializers.zeros());
    if (this.args.batchNorm) this.norm = this.track(new BatchNorm({ dim: co, name: `${this.name}_bn` }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const { kernelSize: k, stride, dilation, depthwise } = this.args;
      const p = Math.floor(k / 2) * dilation;
      const padded = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
      const w = this.kernel.read() as tf.Tensor4D;
      let y: tf.Tensor = depthwise
        ? tf.depthwiseConv2d(padded, w, stride, 'valid', 'NHWC', dilation)
        : tf.conv2d(padded, w, stride, 'valid', 'NHWC', dilation);
      if (this.bias) y = tf.add(y, this.bias.read());
      if (this.norm) y = this.norm.apply(y, kwargs) as tf.Tensor;
      return this.args.relu ? tf.relu(y) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(Conv2dBn);
