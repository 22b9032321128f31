import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { additiveScores } from './additive-scores';
import { dense, dropout, MerCallKwargs, MerLayer } from './mer-layer';

export interface AdditiveAttentionArgs {
  /** Width D of the hidden states h_t (and of the output). */
  dim: number;
  /** Width Da of d_{t,t'}: columns of W_d and W'_d, length of b_d and v_d. The paper does not give it. Default D. */
  attentionDim?: number;
  /** Dropout on the attention weights a. Default 0. */
  dropout?: number;
  name?: string;
}

/**
 * MAVEN's additive self-attention (§3.6, eq. 21–24), single-head, over a sequence h [B, T, D]:
 *
 * - eq. 21: `d_{t,t'} = tanh(W_d h_t + W'_d h_{t'} + b_d)`
 * - eq. 22: `α_{t,t'} = v_dᵀ d_{t,t'}`
 * - eq. 23: `a_{t,t'} = softmax_{t'}(α_{t,t'})` (padded keys, `keyMask` [B, T] = 0, get no weight)
 * - eq. 24: `h̃_t = Σ_{t'} a_{t,t'} h_{t'}`
 *
 * No value or output projection and no position term: the equations have none. The [B, T, T, Da]
 * tanh terms are computed in bounded chunks and recomputed for the gradient ({@link additiveScores}).
 * Weights, in order: W_d [D, Da], W'_d [D, Da], b_d [Da], v_d [Da] (kernels stored [in, out]).
 */
export class AdditiveAttention extends MerLayer {
  static className = 'MerAdditiveAttention';
  readonly args: Required<Omit<AdditiveAttentionArgs, 'name'>>;
  private readonly wd: tfl.LayerVariable;
  private readonly wdPrime: tfl.LayerVariable;
  private readonly bd: tfl.LayerVariable;
  private readonly vd: tfl.LayerVariable;

  constructor(args: AdditiveAttentionArgs) {
    super({ name: args.name });
    this.args = { dim: args.dim, attentionDim: args.attentionDim ?? args.dim, dropout: args.dropout ?? 0 };
    const { dim, attentionDim } = this.args;
    const bound = 1 / Math.sqrt(attentionDim); // PyTorch's nn.Linear(Da, 1) init for v_d
    this.wd = this.param('w_d', [dim, attentionDim], tfl.initializers.glorotUniform({}));
    this.wdPrime = this.param('w_d_prime', [dim, attentionDim], tfl.initializers.glorotUniform({}));
    this.bd = this.param('b_d', [attentionDim], tfl.initializers.zeros());
    this.vd = this.param('v_d', [attentionDim], tfl.initializers.randomUniform({ minval: -bound, maxval: bound }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return Array.isArray(inputShape[0]) ? (inputShape[0] as tfl.Shape) : (inputShape as tfl.Shape);
  }

  /**
   * @param inputs h [B, T, D]
   * @param kwargs `keyMask` [B, T] (1 = real frame, 0 = padding), `training` (attention dropout)
   * @returns [B, T, D]
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & { keyMask?: tf.Tensor } = {}): tf.Tensor {
    return tf.tidy(() => {
      const h = Array.isArray(inputs) ? inputs[0] : inputs; // [B, T, D]
      const [b, t] = h.shape as number[];
      const query = dense(h, this.wd.read()); // W_d h_t: [B, T, Da]
      const key = dense(h, this.wdPrime.read(), this.bd.read()); // W'_d h_t' + b_d: [B, T, Da]
      let alpha: tf.Tensor = additiveScores(query, key, this.vd.read()); // eq. 21–22: [B, T, T]
      if (kwargs.keyMask) alpha = tf.add(alpha, tf.mul(tf.sub(1, tf.reshape(tf.cast(kwargs.keyMask, 'float32'), [b, 1, t])), -1e9));
      const a = dropout(tf.softmax(alpha), this.args.dropout, kwargs.training); // eq. 23: [B, T, T]
      return tf.matMul(a, h); // eq. 24: [B, T, D]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(AdditiveAttention);
