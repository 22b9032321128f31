import * as tf from '@tensorflow/tfjs-core';
import { MerLayer } from '@mer/attention-fusion';
import { VaRegressionHead } from '@mer/heads';
import type { NetworkOutput, StageHeads } from '@mer/training';
import type { TcnFusionInputs, TcnFusionModel } from './tcn-fusion-model';

type Branch = keyof TcnFusionInputs;
const BRANCHES: readonly Branch[] = ['visual', 'vggish', 'logmel'];

/**
 * The branch stage's unimodal heads (paper §3.7, "the TCNs in each branch are trained"): one VA
 * regressor per branch (the fused head's LayerNorm → Linear → GELU → Dropout → Linear, its width and
 * dropout) on that branch's multi-scale TCN features. They hold only their own weights; the branch
 * TCNs stay the network's.
 */
export class TcnBranchHeads extends MerLayer implements StageHeads {
  static className = 'MerTcnBranchHeads';
  readonly heads: Record<string, VaRegressionHead> = {};

  constructor(
    private readonly model: TcnFusionModel,
    readonly branches: readonly string[],
  ) {
    super({});
    const widths: Record<Branch, number> = { visual: model.visualTcn.outputDim, vggish: model.vggishTcn.outputDim, logmel: model.logmelTcn.outputDim };
    const c = model.config;
    for (const b of branches) {
      if (!BRANCHES.includes(b as Branch)) throw new Error(`TCN-fusion: no branch '${b}' for a stage head (${BRANCHES.join(', ')})`);
      this.heads[b] = this.track(new VaRegressionHead({ inputDim: widths[b as Branch], hidden: c.headHidden, dropout: c.headDropout, tanh: c.tanh, name: `${this.name}_${b}` }));
    }
    this.built = true;
  }

  get layer(): MerLayer {
    return this;
  }

  /** Streams → each branch's TCN → its head. @returns per branch [B, T, 2] valence, arousal */
  forward(streams: Record<string, tf.Tensor3D>, options: { training?: boolean } = {}): Record<string, NetworkOutput> {
    return tf.tidy(() => {
      const features = this.model.branchFeatures({ visual: streams['visual'], vggish: streams['vggish'], logmel: streams['logmel'] }, { training: options.training });
      return Object.fromEntries(
        Object.entries(this.heads).map(([b, head]) => [b, { kind: 'va', va: head.apply(features[b as Branch], { training: options.training }) as tf.Tensor3D }]),
      ) as Record<string, NetworkOutput>;
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    throw new Error(`TcnBranchHeads: use forward(streams), not apply (${Array.isArray(inputs) ? inputs.length : 1} input(s))`);
  }
}
