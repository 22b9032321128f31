import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdditiveAttention } from './additive-attention';
import { LayerNorm } from './layer-norm';
import { dense, dropout, gelu, MerCallKwargs, MerLayer } from './mer-layer';
import { MultiHeadAttention } from './multi-head-attention';

/**
 * The encoder layer's attention: `'beit-dot'`, BEiT's multi-head scaled dot-product attention with a
 * learned relative position bias; `'additive'`, MAVEN's additive attention (eq. 21–24,
 * {@link AdditiveAttention}: single-head, no position term).
 */
export type EncoderAttention = 'beit-dot' | 'additive';

export interface BeitEncoderLayerArgs {
  dim: number;
  /** Heads of the `'beit-dot'` attention (unused by `'additive'`, which is single-head). */
  numHeads: number;
  /** Default `'beit-dot'` (what the layer was before the option existed, so saved configs read the same). */
  attention?: EncoderAttention;
  /** MLP hidden width = mlpRatio · dim. Default 4. */
  mlpRatio?: number;
  /** Longest relative distance with its own bias; farther pairs share the edge bias (`'beit-dot'` only). Default 512. */
  maxRelativePosition?: number;
  /** Initial layer-scale γ. Default 0.1 (BEiT). */
  layerScaleInit?: number;
  /** Dropout on the attention and MLP outputs. Default 0. */
  dropout?: number;
  attentionDropout?: number;
  name?: string;
}

/**
 * A BEiT-style encoder layer for sequences: pre-LayerNorm self-attention, layer-scale, and a GELU MLP
 * (ratio 4): `x = x + γ₁·Attn(LN(x)) ; x = x + γ₂·MLP(LN(x))`. Input and output [B, T, D]; `keyMask`
 * [B, T]. `Attn` is BEiT's multi-head attention with a learned relative position bias per head
 * (`attention: 'beit-dot'`) or MAVEN's additive attention (`'additive'`, eq. 21–24); the residuals,
 * norms, layer-scale and MLP are the same for both.
 */
export class BeitEncoderLayer extends MerLayer {
  static className = 'MerBeitEncoderLayer';
  readonly args: Required<Omit<BeitEncoderLayerArgs, 'name'>>;
  private readonly relBias?: tfl.LayerVariable;
  private readonly gamma1: tfl.LayerVariable;
  private readonly fc1: tfl.LayerVariable;
  private readonly fc1Bias: tfl.LayerVariable;
  private readonly fc2: tfl.LayerVariable;
  private readonly fc2Bias: tfl.LayerVariable;
  private readonly gamma2: tfl.LayerVariable;
  private readonly norm1: LayerNorm;
  private readonly attention: MultiHeadAttention | AdditiveAttention;
  private readonly norm2: LayerNorm;

  constructor(args: BeitEncoderLayerArgs) {
    super({ name: args.name });
    this.args = {
      dim: args.dim,
      numHeads: args.numHeads,
      attention: args.attention ?? 'beit-dot',
      mlpRatio: args.mlpRatio ?? 4,
      maxRelativePosition: args.maxRelativePosition ?? 512,
      layerScaleInit: args.layerScaleInit ?? 0.1,
      dropout: args.dropout ?? 0,
      attentionDropout: args.attentionDropout ?? 0,
    };
    const { dim, numHeads, attention, mlpRatio, maxRelativePosition, layerScaleInit } = this.args;
    if (attention !== 'beit-dot' && attention !== 'additive') throw new Error(`${this.name}: attention '${String(attention)}' is not one of 'beit-dot', 'additive'`);
    const hidden = Math.round(dim * mlpRatio);
    if (attention === 'beit-dot') this.relBias = this.param('relative_position_bias', [2 * maxRelativePosition - 1, numHeads], tfl.initializers.truncatedNormal({ stddev: 0.02 }));
    this.gamma1 = this.param('gamma_1', [dim], tfl.initializers.constant({ value: layerScaleInit }));
    this.fc1 = this.param('fc1_kernel', [dim, hidden], tfl.initializers.glorotUniform({}));
    this.fc1Bias = this.param('fc1_bias', [hidden], tfl.initializers.zeros());
    this.fc2 = this.param('fc2_kernel', [hidden, dim], tfl.initializers.glorotUniform({}));
    this.fc2Bias = this.param('fc2_bias', [dim], tfl.initializers.zeros());
    this.gamma2 = this.param('gamma_2', [dim], tfl.initializers.constant({ value: layerScaleInit }));
    this.norm1 = this.track(new LayerNorm({ dim, name: `${this.name}_norm1` }));
    this.attention = this.track(
      attention === 'additive'
        ? new AdditiveAttention({ dim, dropout: this.args.attentionDropout, name: `${this.name}_attn` })
        : new MultiHeadAttention({ dim, numHeads, dropout: this.args.attentionDropout, name: `${this.name}_attn` }),
    );
    this.norm2 = this.track(new LayerNorm({ dim, name: `${this.name}_norm2` }));
    this.built = true;
  }

  /** Relative position bias for length T: [H, T, T], distances beyond the table clamped. */
  private positionBias(relBias: tfl.LayerVariable, t: number): tf.Tensor {
    const l = this.args.maxRelativePosition;
    const idx = new Int32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) idx[i * t + j] = Math.max(-(l - 1), Math.min(l - 1, i - j)) + l - 1;
    const table = tf.gather(relBias.read(), tf.tensor1d(idx, 'int32')); // [T·T, H]
    return tf.transpose(tf.reshape(table, [t, t, this.args.numHeads]), [2, 0, 1]); // [H, T, T]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & { keyMask?: tf.Tensor } = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const t = x.shape[1] as number;
      const h = this.norm1.apply(x) as tf.Tensor;
      const attentionBias = this.relBias ? this.positionBias(this.relBias, t) : undefined; // [H, T, T]
      const attn = this.attention.apply(h, { keyMask: kwargs.keyMask, attentionBias, training: kwargs.training }) as tf.Tensor; // [B, T, D]
      const x1 = tf.add(x, tf.mul(this.gamma1.read(), dropout(attn, this.args.dropout, kwargs.training)));
      const u = gelu(dense(this.norm2.apply(x1) as tf.Tensor, this.fc1.read(), this.fc1Bias.read()));
      const mlp = dense(dropout(u, this.args.dropout, kwargs.training), this.fc2.read(), this.fc2Bias.read());
      return tf.add(x1, tf.mul(this.gamma2.read(), dropout(mlp, this.args.dropout, kwargs.training)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(BeitEncoderLayer);

export interface BeitEncoderArgs extends BeitEncoderLayerArgs {
  /** Layers. BEiT-base has 12. */
  depth: number;
  /** A final LayerNorm. Default true. */
  finalNorm?: boolean;
}

/** A stack of {@link BeitEncoderLayer}s (+ final LayerNorm). [B, T, D] → [B, T, D]. */
export class BeitEncoder extends MerLayer {
  static className = 'MerBeitEncoder';
  readonly depth: number;
  readonly finalNorm: boolean;
  private readonly layerArgs: BeitEncoderLayerArgs;
  private readonly blocks: BeitEncoderLayer[];
  private readonly norm?: LayerNorm;

  constructor(args: BeitEncoderArgs) {
    super({ name: args.name });
    this.depth = args.depth;
    this.finalNorm = args.finalNorm ?? true;
    const { depth: _d, finalNorm: _f, name: _n, ...layerArgs } = args;
    this.layerArgs = layerArgs;
    this.blocks = Array.from({ length: args.depth }, (_, i) => this.track(new BeitEncoderLayer({ ...layerArgs, name: `${this.name}_layer${i}` })));
    if (this.finalNorm) this.norm = this.track(new LayerNorm({ dim: args.dim, name: `${this.name}_norm` }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & { keyMask?: tf.Tensor } = {}): tf.Tensor {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      for (const b of this.blocks) x = b.apply(x, kwargs) as tf.Tensor;
      return this.norm ? (this.norm.apply(x) as tf.Tensor) : x;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.layerArgs, depth: this.depth, finalNorm: this.finalNorm } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(BeitEncoder);
