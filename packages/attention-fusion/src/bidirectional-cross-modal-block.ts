import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LayerNorm } from './layer-norm';
import { dropout, MerCallKwargs, MerLayer } from './mer-layer';
import { MultiHeadAttention } from './multi-head-attention';

export interface BidirectionalCrossModalBlockArgs {
  /** Common width d of every stream (MAVEN: 512). */
  dim: number;
  /** Heads per pathway (MAVEN: 2). */
  numHeads: number;
  /** Default 0.1. */
  dropout?: number;
  /** Number of streams M (MAVEN: 3 → six pathways). Default 3. */
  numStreams?: number;
  /**
   * Which stream gives the queries of pathway n → m: 'receiver' (m; default, as the spec) or 'source'
   * (n, as the paper's eq. 14 writes it; both are shape-valid for aligned sequences).
   */
  queryFrom?: 'receiver' | 'source';
  name?: string;
}

/**
 * MAVEN's bidirectional cross-modal attention: every ordered pair of streams (n → m) has its own
 * attention, and each stream is enhanced by what it receives from all the others:
 * `E_m = LN(F_m + Dropout(Σ_{n≠m} A_{n→m}))`. Inputs: M streams [B, T, d] (aligned); outputs: M streams.
 */
export class BidirectionalCrossModalBlock extends MerLayer {
  static className = 'MerBidirectionalCrossModalBlock';
  readonly args: Required<Omit<BidirectionalCrossModalBlockArgs, 'name'>>;
  /** pathways[n][m]: attention carrying stream n to stream m (undefined on the diagonal). */
  private readonly pathways: (MultiHeadAttention | undefined)[][];
  private readonly norms: LayerNorm[];

  constructor(args: BidirectionalCrossModalBlockArgs) {
    super({ name: args.name });
    this.args = { dim: args.dim, numHeads: args.numHeads, dropout: args.dropout ?? 0.1, numStreams: args.numStreams ?? 3, queryFrom: args.queryFrom ?? 'receiver' };
    const m = this.args.numStreams;
    this.pathways = Array.from({ length: m }, (_, n) =>
      Array.from({ length: m }, (_, r) =>
        n === r ? undefined : this.track(new MultiHeadAttention({ dim: args.dim, numHeads: args.numHeads, dropout: this.args.dropout, name: `${this.name}_${n}to${r}` })),
      ),
    );
    this.norms = Array.from({ length: m }, (_, i) => this.track(new LayerNorm({ dim: args.dim, name: `${this.name}_norm${i}` })));
    this.built = true;
  }

  /** @param inputs M tensors [B, T, d]; kwargs.keyMask [B, T] shared by all streams */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & { keyMask?: tf.Tensor } = {}): tf.Tensor[] {
    return tf.tidy(() => {
      const streams = Array.isArray(inputs) ? inputs : [inputs];
      if (streams.length !== this.args.numStreams) throw new Error(`${this.name}: expected ${this.args.numStreams} streams, got ${streams.length}`);
      return streams.map((fm, m) => {
        const received = streams.flatMap((fn, n) => {
          const attn = this.pathways[n][m];
          if (!attn) return [];
          const [q, kv] = this.args.queryFrom === 'receiver' ? [fm, fn] : [fn, fm];
          return [attn.apply([q, kv, kv], { keyMask: kwargs.keyMask, training: kwargs.training }) as tf.Tensor];
        });
        const sum = received.length === 1 ? received[0] : tf.addN(received);
        return this.norms[m].apply(tf.add(fm, dropout(sum, this.args.dropout, kwargs.training))) as tf.Tensor;
      });
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(BidirectionalCrossModalBlock);
