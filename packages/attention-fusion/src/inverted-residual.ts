import * as tf from '@tensorflow/tfjs-core';
import { Conv2dBn } from './conv2d-bn';
import { MerCallKwargs, MerLayer } from './mer-layer';

export interface InvertedResidualArgs {
  inputChannels: number;
  outputChannels: number;
  /** 1 (split channels, refine one half) or 2 (downsample, both branches). */
  stride: 1 | 2;
  name?: string;
}

/** Channel shuffle with 2 groups. @param x [B, H, W, C] */
export function channelShuffle(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape as number[];
    const grouped = tf.reshape(x, [b, h, w, 2, c / 2]); // [B, H, W, 2, C/2]
    return tf.reshape(tf.transpose(grouped, [0, 1, 2, 4, 3]), [b, h, w, c]);
  });
}

/**
 * ShuffleNet-V2 inverted residual unit (EfficientFace's stages): stride 1 keeps one half of the
 * channels and refines the other (1×1 → depthwise 3×3 → 1×1); stride 2 downsamples through two
 * branches; both end with a channel shuffle. [B, H, W, Cin] → [B, H/stride, W/stride, Cout].
 */
export class InvertedResidual extends MerLayer {
  static className = 'MerInvertedResidual';
  readonly args: Required<Omit<InvertedResidualArgs, 'name'>>;
  private readonly branch1: Conv2dBn[];
  private readonly branch2: Conv2dBn[];

  constructor(args: InvertedResidualArgs) {
    super({ name: args.name });
    this.args = { inputChannels: args.inputChannels, outputChannels: args.outputChannels, stride: args.stride };
    const { inputChannels: inp, outputChannels: oup, stride } = this.args;
    if (oup % 2 !== 0) throw new Error(`${this.name}: output channels ${oup} must be even`);
    const bf = oup / 2;
    if (stride === 1 && inp !== 2 * bf) throw new Error(`${this.name}: stride 1 needs input channels = output channels (${inp} vs ${oup})`);
    const n = this.name;
    this.branch1 =
      stride > 1
        ? [
            this.track(new Conv2dBn({ inputChannels: inp, outputChannels: inp, kernelSize: 3, stride, depthwise: true, relu: false, name: `${n}_b1_dw` })),
            this.track(new Conv2dBn({ inputChannels: inp, outputChannels: bf, kernelSize: 1, name: `${n}_b1_pw` })),
          ]
        : [];
    this.branch2 = [
      this.track(new Conv2dBn({ inputChannels: stride > 1 ? inp : bf, outputChannels: bf, kernelSize: 1, name: `${n}_b2_pw1` })),
      this.track(new Conv2dBn({ inputChannels: bf, outputChannels: bf, kernelSize: 3, stride, depthwise: true, relu: false, name: `${n}_b2_dw` })),
      this.track(new Conv2dBn({ inputChannels: bf, outputChannels: bf, kernelSize: 1, name: `${n}_b2_pw2` })),
    ];
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const run = (layers: Conv2dBn[], t: tf.Tensor) => layers.reduce((h, l) => l.apply(h, kwargs) as tf.Tensor, t);
      let out: tf.Tensor;
      if (this.args.stride === 1) {
        const [x1, x2] = tf.split(x, 2, 3);
        out = tf.concat([x1, run(this.branch2, x2)], 3);
      } else {
        out = tf.concat([run(this.branch1, x), run(this.branch2, x)], 3);
      }
      return channelShuffle(out);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(InvertedResidual);
