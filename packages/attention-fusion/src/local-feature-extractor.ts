import * as tf from '@tensorflow/tfjs-core';
import { Conv2dBn } from './conv2d-bn';
import { MerCallKwargs, MerLayer } from './mer-layer';

export interface LocalFeatureExtractorArgs {
  inputChannels: number;
  /** A multiple of inputChannels (depthwise convolutions with a channel multiplier). */
  outputChannels: number;
  name?: string;
}

/**
 * EfficientFace's local feature extractor: the map is cut into four quadrant patches, each passed
 * through its own depthwise 3×3 stride-2 conv → BN → ReLU → depthwise 3×3 → BN → ReLU, and the patches
 * are put back in place. [B, H, W, Cin] (H, W even) → [B, H/2, W/2, Cout].
 */
export class LocalFeatureExtractor extends MerLayer {
  static className = 'MerLocalFeatureExtractor';
  readonly args: Required<Omit<LocalFeatureExtractorArgs, 'name'>>;
  /** Per patch (top-left, bottom-left, top-right, bottom-right): [stride-2 conv, stride-1 conv]. */
  private readonly patches: [Conv2dBn, Conv2dBn][];

  constructor(args: LocalFeatureExtractorArgs) {
    super({ name: args.name });
    this.args = { inputChannels: args.inputChannels, outputChannels: args.outputChannels };
    const { inputChannels: ci, outputChannels: co } = this.args;
    this.patches = [0, 1, 2, 3].map((p) => [
      this.track(new Conv2dBn({ inputChannels: ci, outputChannels: co, kernelSize: 3, stride: 2, depthwise: true, name: `${this.name}_p${p}_a` })),
      this.track(new Conv2dBn({ inputChannels: co, outputChannels: co, kernelSize: 3, depthwise: true, name: `${this.name}_p${p}_b` })),
    ]);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [b, h, w, c] = x.shape as number[];
      if (h % 2 !== 0 || w % 2 !== 0) throw new Error(`${this.name}: the map must have even height and width, got ${h}×${w}`);
      const [h2, w2] = [h / 2, w / 2];
      const corners: [number, number][] = [[0, 0], [h2, 0], [0, w2], [h2, w2]];
      const outs = corners.map(([y0, x0], i) => {
        const patch = tf.slice(x, [0, y0, x0, 0], [b, h2, w2, c]);
        const [first, second] = this.patches[i];
        return second.apply(first.apply(patch, kwargs) as tf.Tensor, kwargs) as tf.Tensor; // [B, h/4, w/4, Cout]
      });
      const left = tf.concat([outs[0], outs[1]], 1); // stacked along height
      const right = tf.concat([outs[2], outs[3]], 1);
      return tf.concat([left, right], 2); // [B, H/2, W/2, Cout]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(LocalFeatureExtractor);
