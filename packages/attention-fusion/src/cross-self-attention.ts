import * as tf from '@tensorflow/tfjs-core';
import { MerCallKwargs, MerLayer } from './mer-layer';
import { MultiHeadAttention } from './multi-head-attention';

export interface CrossSelfAttentionArgs {
  /** Width of both streams (AVT-CA: 128). */
  dim: number;
  /** Default 8. */
  numHeads?: number;
  dropout?: number;
  name?: string;
}

/**
 * AVT-CA's cross-self-attention (Alg. 1, l. 19–20): each stream is the sum of what it gathers from the
 * other stream and from itself: `o'_a = Attn(a → v) + Attn(a → a)`, `o'_v = Attn(v → a) + Attn(v → v)`.
 * Inputs [audio [B, Ta, d], video [B, Tv, d]] → [audio', video'] (same shapes).
 */
export class CrossSelfAttention extends MerLayer {
  static className = 'MerCrossSelfAttention';
  readonly args: Required<Omit<CrossSelfAttentionArgs, 'name'>>;
  private readonly audioToVideo: MultiHeadAttention;
  private readonly audioSelf: MultiHeadAttention;
  private readonly videoToAudio: MultiHeadAttention;
  private readonly videoSelf: MultiHeadAttention;

  constructor(args: CrossSelfAttentionArgs) {
    super({ name: args.name });
    this.args = { dim: args.dim, numHeads: args.numHeads ?? 8, dropout: args.dropout ?? 0.1 };
    const mha = (n: string) => this.track(new MultiHeadAttention({ dim: args.dim, numHeads: this.args.numHeads, dropout: this.args.dropout, name: `${this.name}_${n}` }));
    this.audioToVideo = mha('a2v');
    this.audioSelf = mha('a2a');
    this.videoToAudio = mha('v2a');
    this.videoSelf = mha('v2v');
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs = {}): tf.Tensor[] {
    return tf.tidy(() => {
      const [a, v] = inputs as tf.Tensor[];
      const kw = { training: kwargs.training };
      const audio = tf.add(this.audioToVideo.apply([a, v, v], kw) as tf.Tensor, this.audioSelf.apply(a, kw) as tf.Tensor);
      const video = tf.add(this.videoToAudio.apply([v, a, a], kw) as tf.Tensor, this.videoSelf.apply(v, kw) as tf.Tensor);
      return [audio, video];
    });
  }

  override computeOutputShape(inputShape: unknown): never {
    return inputShape as never;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(CrossSelfAttention);
