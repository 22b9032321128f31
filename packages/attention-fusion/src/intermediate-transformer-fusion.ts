import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LayerNorm } from './layer-norm';
import { dense, dropout, gelu, MerCallKwargs, MerLayer } from './mer-layer';
import { MultiHeadAttention } from './multi-head-attention';

export interface IntermediateTransformerFusionArgs {
  /** Width of the stream that asks (queries, and receives the result). */
  queryDim: number;
  /** Width of the stream it attends to. */
  keyDim: number;
  /** Heads; must divide queryDim. Default 1. */
  numHeads?: number;
  /** MLP hidden = mlpRatio · queryDim. Default 2. */
  mlpRatio?: number;
  dropout?: number;
  name?: string;
}

/**
 * AVT-CA's intermediate transformer fusion (one direction): the query stream attends to the other
 * with LayerNorm on both inputs and no q/k/v biases, an MLP (ratio 2, GELU) refines the result, and it
 * is added back to the query stream: `X + (h + MLP(LN(h)))`, `h = Attn(q = LN(X), kv = LN(Y))`.
 * [B, Tx, Dx] × [B, Ty, Dy] → [B, Tx, Dx].
 */
export class IntermediateTransformerFusion extends MerLayer {
  static className = 'MerIntermediateTransformerFusion';
  readonly args: Required<Omit<IntermediateTransformerFusionArgs, 'name'>>;
  private readonly fc1: tfl.LayerVariable;
  private readonly fc1Bias: tfl.LayerVariable;
  private readonly fc2: tfl.LayerVariable;
  private readonly fc2Bias: tfl.LayerVariable;
  private readonly normQ: LayerNorm;
  private readonly normK: LayerNorm;
  private readonly attention: MultiHeadAttention;
  private readonly normMlp: LayerNorm;

  constructor(args: IntermediateTransformerFusionArgs) {
    super({ name: args.name });
    this.args = { queryDim: args.queryDim, keyDim: args.keyDim, numHeads: args.numHeads ?? 1, mlpRatio: args.mlpRatio ?? 2, dropout: args.dropout ?? 0.1 };
    const { queryDim, keyDim, numHeads, mlpRatio } = this.args;
    const hidden = Math.round(queryDim * mlpRatio);
    this.fc1 = this.param('fc1_kernel', [queryDim, hidden], tfl.initializers.glorotUniform({}));
    this.fc1Bias = this.param('fc1_bias', [hidden], tfl.initializers.zeros());
    this.fc2 = this.param('fc2_kernel', [hidden, queryDim], tfl.initializers.glorotUniform({}));
    this.fc2Bias = this.param('fc2_bias', [queryDim], tfl.initializers.zeros());
    this.normQ = this.track(new LayerNorm({ dim: queryDim, name: `${this.name}_norm_q` }));
    this.normK = this.track(new LayerNorm({ dim: keyDim, name: `${this.name}_norm_k` }));
    this.attention = this.track(new MultiHeadAttention({ dim: queryDim, keyInputDim: keyDim, numHeads, useBias: false, name: `${this.name}_attn` }));
    this.normMlp = this.track(new LayerNorm({ dim: queryDim, name: `${this.name}_norm_mlp` }));
    this.built = true;
  }

  /** @param inputs [X [B, Tx, Dx], Y [B, Ty, Dy]] */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & { keyMask?: tf.Tensor } = {}): tf.Tensor {
    return tf.tidy(() => {
      const [x, y] = inputs as tf.Tensor[];
      const ky = this.normK.apply(y) as tf.Tensor;
      const h = this.attention.apply([this.normQ.apply(x) as tf.Tensor, ky, ky], { keyMask: kwargs.keyMask, training: kwargs.training }) as tf.Tensor;
      const mlp = dense(dropout(gelu(dense(this.normMlp.apply(h) as tf.Tensor, this.fc1.read(), this.fc1Bias.read())), this.args.dropout, kwargs.training), this.fc2.read(), this.fc2Bias.read());
      return tf.add(x, tf.add(h, dropout(mlp, this.args.dropout, kwargs.training)));
    });
  }

  override computeOutputShape(inputShape: tfl.Shape[]): tfl.Shape {
    return inputShape[0];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(IntermediateTransformerFusion);
