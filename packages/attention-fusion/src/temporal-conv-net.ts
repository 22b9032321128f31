import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense, dropout, MerCallKwargs, MerLayer } from './mer-layer';

export interface TemporalConvNetArgs {
  /** Input width Cin. */
  inputDim: number;
  /** Channels of every level (TCN-fusion: 128 visual, 64 audio). */
  channels: number;
  kernelSize: number;
  /** One residual level per dilation. Default [1, 2, 4, 8]. */
  dilations?: number[];
  /** Default 0.1. */
  dropout?: number;
  /** Causal (left padding only) or centred. Default false. */
  causal?: boolean;
  /** LeakyReLU slope. Default 0.01 (PyTorch's). */
  negativeSlope?: number;
  name?: string;
}

interface WnConv {
  v: tfl.LayerVariable;
  g: tfl.LayerVariable;
  b: tfl.LayerVariable;
}

/**
 * A temporal convolution network (Bai et al.): residual levels of
 * `2 × (weight-normed dilated Conv1d → LeakyReLU → Dropout)` plus a 1×1 convolution on the skip path
 * when widths differ, then LeakyReLU(out + skip). Weight norm: `w = g · v / ‖v‖` per output channel.
 * Trains on wasm: the dilated-conv gradients come from @mer/backend. [B, T, Cin] → [B, T, C].
 */
export class TemporalConvNet extends MerLayer {
  static className = 'MerTemporalConvNet';
  readonly args: Required<Omit<TemporalConvNetArgs, 'name'>>;
  private readonly levels: { conv1: WnConv; conv2: WnConv; skip?: { kernel: tfl.LayerVariable; bias: tfl.LayerVariable } }[] = [];

  constructor(args: TemporalConvNetArgs) {
    super({ name: args.name });
    this.args = {
      inputDim: args.inputDim,
      channels: args.channels,
      kernelSize: args.kernelSize,
      dilations: args.dilations ?? [1, 2, 4, 8],
      dropout: args.dropout ?? 0.1,
      causal: args.causal ?? false,
      negativeSlope: args.negativeSlope ?? 0.01,
    };
    const { inputDim, channels, kernelSize } = this.args;
    const conv = (prefix: string, cin: number): WnConv => {
      const v = this.param(`${prefix}_v`, [kernelSize, cin, channels], tfl.initializers.randomNormal({ stddev: 0.01 }));
      const g = this.param(`${prefix}_g`, [channels], tfl.initializers.ones());
      // As PyTorch's weight_norm: g starts at ‖v‖ per output channel, so the initial weight is v itself
      // (small), not a unit-norm filter — the residual path dominates at first and deep stacks train.
      tf.tidy(() => {
        g.write(tf.sqrt(tf.sum(tf.square(v.read()), [0, 1])));
      });
      return { v, g, b: this.param(`${prefix}_b`, [channels], tfl.initializers.zeros()) };
    };
    this.args.dilations.forEach((_, i) => {
      const cin = i === 0 ? inputDim : channels;
      const level = { conv1: conv(`level${i}_conv1`, cin), conv2: conv(`level${i}_conv2`, channels) } as (typeof this.levels)[number];
      if (cin !== channels) {
        level.skip = {
          kernel: this.param(`level${i}_skip_kernel`, [cin, channels], tfl.initializers.glorotUniform({})),
          bias: this.param(`level${i}_skip_bias`, [channels], tfl.initializers.zeros()),
        };
      }
      this.levels.push(level);
    });
    this.built = true;
  }

  /** @param x [B, T, Cin] → [B, T, C] */
  private conv(x: tf.Tensor3D, c: WnConv, dilation: number): tf.Tensor3D {
    const v = c.v.read();
    const norm = tf.sqrt(tf.sum(tf.square(v), [0, 1])); // [C]
    const w = tf.mul(v, tf.div(c.g.read(), norm)) as tf.Tensor3D; // [K, Cin, C]
    const total = (this.args.kernelSize - 1) * dilation;
    const left = this.args.causal ? total : Math.floor(total / 2);
    const padded = tf.pad(x, [[0, 0], [left, total - left], [0, 0]]);
    return tf.add(tf.conv1d(padded, w, 1, 'valid', 'NWC', dilation), c.b.read()) as tf.Tensor3D;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const act = (t: tf.Tensor) => tf.leakyRelu(t, this.args.negativeSlope);
      this.levels.forEach((lv, i) => {
        const d = this.args.dilations[i];
        let y = dropout(act(this.conv(x, lv.conv1, d)), this.args.dropout, kwargs.training) as tf.Tensor3D;
        y = dropout(act(this.conv(y, lv.conv2, d)), this.args.dropout, kwargs.training) as tf.Tensor3D;
        const skip = lv.skip ? dense(x, lv.skip.kernel.read(), lv.skip.bias.read()) : x;
        x = act(tf.add(y, skip)) as tf.Tensor3D;
      });
      return x;
    });
  }

  /** Frames of context each output sees. */
  get receptiveField(): number {
    return 1 + 2 * (this.args.kernelSize - 1) * this.args.dilations.reduce((a, b) => a + b, 0);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(TemporalConvNet);

export interface MultiScaleTcnArgs extends Omit<TemporalConvNetArgs, 'kernelSize'> {
  /** Default [3, 5, 7] (TCN-fusion). */
  kernelSizes?: number[];
}

/** Parallel TCNs with different kernel sizes, concatenated: [B, T, Cin] → [B, T, C·scales]. */
export class MultiScaleTcn extends MerLayer {
  static className = 'MerMultiScaleTcn';
  readonly kernelSizes: number[];
  private readonly tcnArgs: Omit<TemporalConvNetArgs, 'kernelSize'>;
  private readonly branches: TemporalConvNet[];

  constructor(args: MultiScaleTcnArgs) {
    super({ name: args.name });
    const { kernelSizes, name: _n, ...tcnArgs } = args;
    this.kernelSizes = kernelSizes ?? [3, 5, 7];
    this.tcnArgs = tcnArgs;
    this.branches = this.kernelSizes.map((k) => this.track(new TemporalConvNet({ ...tcnArgs, kernelSize: k, name: `${this.name}_k${k}` })));
    this.built = true;
  }

  get outputDim(): number {
    return this.tcnArgs.channels * this.kernelSizes.length;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.concat(this.branches.map((b) => b.apply(x, kwargs) as tf.Tensor), -1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.tcnArgs, kernelSizes: this.kernelSizes } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(MultiScaleTcn);
