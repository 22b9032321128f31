import * as tf from '@tensorflow/tfjs-core';
import { ChannelSpatialModulator } from './channel-spatial-modulator';
import { Conv2dBn } from './conv2d-bn';
import { InvertedResidual } from './inverted-residual';
import { LocalFeatureExtractor } from './local-feature-extractor';
import { MerCallKwargs, MerLayer } from './mer-layer';

export interface EfficientFaceArgs {
  /** Units per stage. Default [4, 8, 4]. */
  stagesRepeats?: [number, number, number];
  /** Stem, stage 2–4 and final widths. Default [29, 116, 232, 464, 1024]. */
  stagesOutChannels?: [number, number, number, number, number];
  name?: string;
}

/**
 * EfficientFace-style face backbone (AVT-CA's raw mode): 3×3 stride-2 stem → 3×3 stride-2 max-pool →
 * stage 2 (inverted residuals) modulated by channel-spatial attention, plus a local feature extractor
 * on the stem output → stages 3, 4 → 1×1 conv → global average pool. [B, H, W, 3] (224×224 in AVT-CA,
 * /255) → [B, final width].
 */
export class EfficientFace extends MerLayer {
  static className = 'MerEfficientFace';
  readonly args: Required<Omit<EfficientFaceArgs, 'name'>>;
  private readonly stem: Conv2dBn;
  private readonly stages: InvertedResidual[][];
  private readonly modulator: ChannelSpatialModulator;
  private readonly local: LocalFeatureExtractor;
  private readonly head: Conv2dBn;

  constructor(args: EfficientFaceArgs = {}) {
    super({ name: args.name });
    this.args = { stagesRepeats: args.stagesRepeats ?? [4, 8, 4], stagesOutChannels: args.stagesOutChannels ?? [29, 116, 232, 464, 1024] };
    const [c0, c1, c2, c3, c4] = this.args.stagesOutChannels;
    this.stem = this.track(new Conv2dBn({ inputChannels: 3, outputChannels: c0, kernelSize: 3, stride: 2, name: `${this.name}_stem` }));
    let cin = c0;
    this.stages = [c1, c2, c3].map((cout, s) => {
      const units = Array.from({ length: this.args.stagesRepeats[s] }, (_, i) =>
        this.track(new InvertedResidual({ inputChannels: i === 0 ? cin : cout, outputChannels: cout, stride: i === 0 ? 2 : 1, name: `${this.name}_stage${s + 2}_${i}` })),
      );
      cin = cout;
      return units;
    });
    this.modulator = this.track(new ChannelSpatialModulator({ channels: c1, name: `${this.name}_modulator` }));
    this.local = this.track(new LocalFeatureExtractor({ inputChannels: c0, outputChannels: c1, name: `${this.name}_local` }));
    this.head = this.track(new Conv2dBn({ inputChannels: c3, outputChannels: c4, kernelSize: 1, name: `${this.name}_conv5` }));
    this.built = true;
  }

  get outputDim(): number {
    return this.args.stagesOutChannels[4];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const stem = this.stem.apply(x, kwargs) as tf.Tensor4D; // [B, H/2, W/2, c0]
      const pooled = tf.maxPool(tf.pad(stem, [[0, 0], [1, 1], [1, 1], [0, 0]], -Infinity), 3, 2, 'valid'); // [B, H/4, W/4, c0]
      const run = (units: InvertedResidual[], t: tf.Tensor) => units.reduce((h, u) => u.apply(h, kwargs) as tf.Tensor, t);
      const s2 = this.modulator.apply(run(this.stages[0], pooled), kwargs) as tf.Tensor; // [B, H/8, W/8, c1]
      let h = tf.add(s2, this.local.apply(pooled, kwargs) as tf.Tensor);
      h = run(this.stages[2], run(this.stages[1], h)); // [B, H/32, W/32, c3]
      return tf.mean(this.head.apply(h, kwargs) as tf.Tensor, [1, 2]); // [B, c4]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(EfficientFace);
