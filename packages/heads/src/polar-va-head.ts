import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense, dropout, MerCallKwargs, MerLayer, temporalPool } from '@mer/attention-fusion';

export interface PolarVaHeadArgs {
  inputDim: number;
  /** Hidden widths of the MLP. Default [512, 256] (MAVEN). */
  hidden?: number[];
  /** Default 0.2. */
  dropout?: number;
  /** 'none': one prediction per frame (what ABAW scores; default). 'mean': one per window (eq. 26). */
  pooling?: 'none' | 'mean';
  /** How the raw intensity is kept ≥ 0. Default 'softplus' (smooth); 'none' as the paper's eq. 29. */
  intensityActivation?: 'softplus' | 'relu' | 'none';
  name?: string;
}

/** Typed output of the polar head. Shapes [B, T] (pooling 'none') or [B] (pooling 'mean'). */
export type PolarVaOutput = {
  valence: tf.Tensor;
  arousal: tf.Tensor;
  intensity: tf.Tensor;
  angle: tf.Tensor;
};

/**
 * MAVEN's polar valence-arousal head: MLP d → 512 → 256 → 2 (ReLU, dropout) giving intensity I ≥ 0
 * and angle θ; valence = I·cos θ, arousal = I·sin θ (eqs. 27–31). `apply` returns [..., 2] (v, a);
 * `predict` returns the typed {valence, arousal, intensity, angle}.
 */
export class PolarVaHead extends MerLayer {
  static className = 'MerPolarVaHead';
  readonly args: Required<Omit<PolarVaHeadArgs, 'name'>>;
  private readonly kernels: tfl.LayerVariable[] = [];
  private readonly biases: tfl.LayerVariable[] = [];

  constructor(args: PolarVaHeadArgs) {
    super({ name: args.name });
    this.args = {
      inputDim: args.inputDim,
      hidden: args.hidden ?? [512, 256],
      dropout: args.dropout ?? 0.2,
      pooling: args.pooling ?? 'none',
      intensityActivation: args.intensityActivation ?? 'softplus',
    };
    const widths = [args.inputDim, ...this.args.hidden, 2];
    for (let i = 0; i + 1 < widths.length; i++) {
      this.kernels.push(this.param(`dense${i}_kernel`, [widths[i], widths[i + 1]], tfl.initializers.glorotUniform({})));
      this.biases.push(this.param(`dense${i}_bias`, [widths[i + 1]], tfl.initializers.zeros()));
    }
    this.built = true;
  }

  /**
   * @param x [B, T, D]
   * @param mask [B, T] for mean pooling
   */
  predict(x: tf.Tensor, options: { mask?: tf.Tensor; training?: boolean } = {}): PolarVaOutput {
    return tf.tidy(() => {
      let h = this.args.pooling === 'mean' ? temporalPool(x, 'mean', options.mask) : x; // [B, D] or [B, T, D]
      const last = this.kernels.length - 1;
      this.kernels.forEach((k, i) => {
        h = dense(h, k.read(), this.biases[i].read());
        if (i < last) h = dropout(tf.relu(h), this.args.dropout, options.training);
      });
      const [rawI, angle] = tf.split(h, 2, -1).map((t) => tf.squeeze(t, [-1]));
      const act = this.args.intensityActivation;
      const intensity = act === 'softplus' ? tf.softplus(rawI) : act === 'relu' ? tf.relu(rawI) : rawI;
      return { valence: tf.mul(intensity, tf.cos(angle)), arousal: tf.mul(intensity, tf.sin(angle)), intensity, angle };
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & { mask?: tf.Tensor } = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const out = this.predict(x, { mask: kwargs.mask, training: kwargs.training });
      return tf.stack([out.valence, out.arousal], -1);
    });
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    return this.args.pooling === 'mean' ? [inputShape[0], 2] : [...inputShape.slice(0, -1), 2];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(PolarVaHead);
