import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Conv2dBn } from './conv2d-bn';
import { dense, MerCallKwargs, MerLayer } from './mer-layer';

export interface ModulatorArgs {
  channels: number;
  /** Channel reduction of both attention branches. Default 16. */
  reduction?: number;
  /** Dilation of the spatial branch's two 3×3 convolutions. Default 4. */
  dilation?: number;
  name?: string;
}

/**
 * EfficientFace's channel-spatial modulator (BAM-style): channel attention (global average pool →
 * C → C/16 → ReLU → C) and spatial attention (1×1 to C/16, two dilated 3×3 convs, 1×1 to one map),
 * summed and squashed into a gate: `x + x · σ(Mc(x) + Ms(x))`. [B, H, W, C] → [B, H, W, C].
 */
export class ChannelSpatialModulator extends MerLayer {
  static className = 'MerChannelSpatialModulator';
  readonly args: Required<Omit<ModulatorArgs, 'name'>>;
  private readonly fc1: tfl.LayerVariable;
  private readonly fc1Bias: tfl.LayerVariable;
  private readonly fc2: tfl.LayerVariable;
  private readonly fc2Bias: tfl.LayerVariable;
  private readonly spatial: Conv2dBn[];

  constructor(args: ModulatorArgs) {
    super({ name: args.name });
    this.args = { channels: args.channels, reduction: args.reduction ?? 16, dilation: args.dilation ?? 4 };
    const c = args.channels;
    const r = Math.max(1, Math.floor(c / this.args.reduction));
    this.fc1 = this.param('channel_fc1_kernel', [c, r], tfl.initializers.glorotUniform({}));
    this.fc1Bias = this.param('channel_fc1_bias', [r], tfl.initializers.zeros());
    this.fc2 = this.param('channel_fc2_kernel', [r, c], tfl.initializers.glorotUniform({}));
    this.fc2Bias = this.param('channel_fc2_bias', [c], tfl.initializers.zeros());
    const d = this.args.dilation;
    this.spatial = [
      this.track(new Conv2dBn({ inputChannels: c, outputChannels: r, kernelSize: 1, bias: true, name: `${this.name}_spatial_reduce` })),
      this.track(new Conv2dBn({ inputChannels: r, outputChannels: r, kernelSize: 3, dilation: d, bias: true, name: `${this.name}_spatial_dil1` })),
      this.track(new Conv2dBn({ inputChannels: r, outputChannels: r, kernelSize: 3, dilation: d, bias: true, name: `${this.name}_spatial_dil2` })),
      this.track(new Conv2dBn({ inputChannels: r, outputChannels: 1, kernelSize: 1, bias: true, batchNorm: false, relu: false, name: `${this.name}_spatial_out` })),
    ];
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs; // [B, H, W, C]
      const pooled = tf.mean(x, [1, 2]); // [B, C]
      const mc = dense(tf.relu(dense(pooled, this.fc1.read(), this.fc1Bias.read())), this.fc2.read(), this.fc2Bias.read()); // [B, C]
      let ms = x;
      for (const conv of this.spatial) ms = conv.apply(ms, kwargs) as tf.Tensor; // [B, H, W, 1]
      const gate = tf.sigmoid(tf.add(tf.reshape(mc, [x.shape[0] as number, 1, 1, this.args.channels]), ms)); // [B, H, W, C]
      return tf.add(x, tf.mul(x, gate));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(ChannelSpatialModulator);
