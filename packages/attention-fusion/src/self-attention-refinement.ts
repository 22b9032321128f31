import * as tf from '@tensorflow/tfjs-core';
import { LayerNorm } from './layer-norm';
import { dropout, MerCallKwargs, MerLayer } from './mer-layer';
import { MultiHeadAttention } from './multi-head-attention';

export interface SelfAttentionRefinementArgs {
  dim: number;
  numHeads: number;
  /** Default 0.1. */
  dropout?: number;
  name?: string;
}

/** MAVEN's per-modality refinement (eq. 18): `R = LN(MHA(E, E, E) + E)`. [B, T, d] → [B, T, d]. */
export class SelfAttentionRefinement extends MerLayer {
  static className = 'MerSelfAttentionRefinement';
  readonly args: Required<Omit<SelfAttentionRefinementArgs, 'name'>>;
  private readonly attention: MultiHeadAttention;
  private readonly norm: LayerNorm;

  constructor(args: SelfAttentionRefinementArgs) {
    super({ name: args.name });
    this.args = { dim: args.dim, numHeads: args.numHeads, dropout: args.dropout ?? 0.1 };
    this.attention = this.track(new MultiHeadAttention({ dim: args.dim, numHeads: args.numHeads, dropout: this.args.dropout, name: `${this.name}_attn` }));
    this.norm = this.track(new LayerNorm({ dim: args.dim, name: `${this.name}_norm` }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & { keyMask?: tf.Tensor } = {}): tf.Tensor {
    return tf.tidy(() => {
      const e = Array.isArray(inputs) ? inputs[0] : inputs;
      const a = this.attention.apply(e, { keyMask: kwargs.keyMask, training: kwargs.training }) as tf.Tensor;
      return this.norm.apply(tf.add(dropout(a, this.args.dropout, kwargs.training), e)) as tf.Tensor;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(SelfAttentionRefinement);
