import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LayerNorm } from './layer-norm';
import { dense, dropout, MerCallKwargs, MerLayer } from './mer-layer';

export interface MultiHeadAttentionArgs {
  /** Attention width D (and output width). */
  dim: number;
  /** Width of the query input when it differs from D (projected to D). Default D. */
  queryInputDim?: number;
  /** Width of the key/value input when it differs from D (projected to D). Default D. */
  keyInputDim?: number;
  /** Heads H; D must divide by H. */
  numHeads: number;
  /** Dropout on the attention weights. Default 0. */
  dropout?: number;
  /** Biases on the q/k/v/out projections. Default true (PyTorch's default). */
  useBias?: boolean;
  /** LayerNorm on q and k before the dot product (AVT-CA's fusion block). Default false. */
  qkNorm?: boolean;
  name?: string;
}

export interface AttentionKwargs extends MerCallKwargs {
  /** [B, Tk]: 1 = real key, 0 = padding (never attended). */
  keyMask?: tf.Tensor;
  /** Added to the attention logits: [H, Tq, Tk] or [B, H, Tq, Tk] (e.g. relative position bias). */
  attentionBias?: tf.Tensor;
}

/**
 * Multi-head scaled dot-product attention, the same computation as PyTorch's
 * `nn.MultiheadAttention(batch_first=True)`: `softmax(QKᵀ/√dh + bias + mask) V`, then the output
 * projection. Inputs: `query` [B, Tq, Dq], and `key`/`value` [B, Tk, Dk] (default: the query), with
 * Dq/Dk = D unless `queryInputDim`/`keyInputDim` say otherwise (cross-modal attention between streams
 * of different widths). Output: [B, Tq, D].
 */
export class MultiHeadAttention extends MerLayer {
  static className = 'MerMultiHeadAttention';
  readonly dim: number;
  readonly queryInputDim: number;
  readonly keyInputDim: number;
  readonly numHeads: number;
  readonly dropoutRate: number;
  readonly useBias: boolean;
  readonly qkNorm: boolean;
  private readonly wq: tfl.LayerVariable;
  private readonly wk: tfl.LayerVariable;
  private readonly wv: tfl.LayerVariable;
  private readonly wo: tfl.LayerVariable;
  private readonly bq?: tfl.LayerVariable;
  private readonly bk?: tfl.LayerVariable;
  private readonly bv?: tfl.LayerVariable;
  private readonly bo?: tfl.LayerVariable;
  private readonly qNorm?: LayerNorm;
  private readonly kNorm?: LayerNorm;

  constructor(args: MultiHeadAttentionArgs) {
    super({ name: args.name });
    if (args.dim % args.numHeads !== 0) throw new Error(`MultiHeadAttention: dim ${args.dim} is not divisible by ${args.numHeads} heads`);
    this.dim = args.dim;
    this.queryInputDim = args.queryInputDim ?? args.dim;
    this.keyInputDim = args.keyInputDim ?? args.dim;
    this.numHeads = args.numHeads;
    this.dropoutRate = args.dropout ?? 0;
    this.useBias = args.useBias ?? true;
    this.qkNorm = args.qkNorm ?? false;
    const d = this.dim;
    const init = tfl.initializers.glorotUniform({});
    this.wq = this.param('wq', [this.queryInputDim, d], init);
    this.wk = this.param('wk', [this.keyInputDim, d], init);
    this.wv = this.param('wv', [this.keyInputDim, d], init);
    this.wo = this.param('wo', [d, d], init);
    if (this.useBias) {
      const zeros = tfl.initializers.zeros();
      this.bq = this.param('bq', [d], zeros);
      this.bk = this.param('bk', [d], zeros);
      this.bv = this.param('bv', [d], zeros);
      this.bo = this.param('bo', [d], zeros);
    }
    if (this.qkNorm) {
      this.qNorm = this.track(new LayerNorm({ dim: d, name: `${this.name}_q_norm` }));
      this.kNorm = this.track(new LayerNorm({ dim: d, name: `${this.name}_k_norm` }));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return Array.isArray(inputShape[0]) ? (inputShape[0] as tfl.Shape) : (inputShape as tfl.Shape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: AttentionKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const query = list[0];
      const key = list[1] ?? query;
      const value = list[2] ?? key;
      const [b, tq] = query.shape as number[];
      const tk = key.shape[1] as number;
      const h = this.numHeads;
      const dh = this.dim / h;
      const split = (x: tf.Tensor, t: number) => tf.transpose(tf.reshape(x, [b, t, h, dh]), [0, 2, 1, 3]); // [B, H, T, Dh]
      let q = dense(query, this.wq.read(), this.bq?.read()); // [B, Tq, D]
      let k = dense(key, this.wk.read(), this.bk?.read()); // [B, Tk, D]
      const v = dense(value, this.wv.read(), this.bv?.read()); // [B, Tk, D]
      if (this.qNorm && this.kNorm) {
        q = this.qNorm.apply(q) as tf.Tensor;
        k = this.kNorm.apply(k) as tf.Tensor;
      }
      let logits = tf.div(tf.matMul(split(q, tq), split(k, tk), false, true), Math.sqrt(dh)); // [B, H, Tq, Tk]
      if (kwargs.attentionBias) logits = tf.add(logits, kwargs.attentionBias);
      if (kwargs.keyMask) {
        const m = tf.reshape(tf.cast(kwargs.keyMask, 'float32'), [b, 1, 1, tk]);
        logits = tf.add(logits, tf.mul(tf.sub(1, m), -1e9));
      }
      const weights = dropout(tf.softmax(logits), this.dropoutRate, kwargs.training);
      const context = tf.reshape(tf.transpose(tf.matMul(weights, split(v, tk)), [0, 2, 1, 3]), [b, tq, this.dim]); // [B, Tq, D]
      return dense(context, this.wo.read(), this.bo?.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, queryInputDim: this.queryInputDim, keyInputDim: this.keyInputDim, numHeads: this.numHeads, dropout: this.dropoutRate, useBias: this.useBias, qkNorm: this.qkNorm };
  }
}
tf.serialization.registerClass(MultiHeadAttention);
