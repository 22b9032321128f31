import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense, GatedFusion, MerCallKwargs, MerLayer, parameterTable, MultiHeadAttention, MultiScaleTcn } from '@mer/attention-fusion';
import { VaOutput, VaRegressionHead } from '@mer/heads';
import { TcnFusionConfig } from './tcn-fusion-config';

/** Per-frame inputs, aligned in time. */
export interface TcnFusionInputs {
  /** [B, T, visualDim] */
  visual: tf.Tensor;
  /** [B, T, vggishDim] */
  vggish: tf.Tensor;
  /** [B, T, logmelDim] */
  logmel: tf.Tensor;
}

/**
 * TCN-fusion: a multi-scale TCN per stream (kernels 3/5/7, dilations 1/2/4/8), the visual stream as
 * query of a cross-modal attention over each audio stream, then `[F_v; A_vggish; A_logmel]` (or the
 * official code's gated fusion) → LayerNorm-Linear-GELU-Dropout-Linear → (valence, arousal).
 */
export class TcnFusionModel extends MerLayer {
  static className = 'MerTcnFusionModel';
  readonly config: TcnFusionConfig;
  readonly visualTcn: MultiScaleTcn;
  readonly vggishTcn: MultiScaleTcn;
  readonly logmelTcn: MultiScaleTcn;
  readonly vggishAttention: MultiHeadAttention;
  readonly logmelAttention: MultiHeadAttention;
  readonly gate?: GatedFusion;
  private readonly visualProjection?: tfl.LayerVariable;
  readonly head: VaRegressionHead;

  constructor(config: TcnFusionConfig, name?: string) {
    super({ name });
    this.config = config;
    const c = config;
    const tcn = (inputDim: number, channels: number, n: string) =>
      this.track(new MultiScaleTcn({ inputDim, channels, kernelSizes: c.kernelSizes, dilations: c.dilations, dropout: c.tcnDropout, causal: c.causal, name: `${this.name}_${n}` }));
    this.visualTcn = tcn(c.visualDim, c.visualChannels, 'visual_tcn');
    this.vggishTcn = tcn(c.vggishDim, c.audioChannels, 'vggish_tcn');
    this.logmelTcn = tcn(c.logmelDim, c.audioChannels, 'logmel_tcn');
    const fv = this.visualTcn.outputDim;
    const fa = this.vggishTcn.outputDim;
    const attention = (n: string) =>
      this.track(new MultiHeadAttention({ dim: c.attentionDim, numHeads: c.attentionHeads, queryInputDim: fv, keyInputDim: fa, name: `${this.name}_${n}` }));
    this.vggishAttention = attention('vggish_attention');
    this.logmelAttention = attention('logmel_attention');
    let fused = fv + 2 * c.attentionDim;
    if (c.fusion === 'gated') {
      this.visualProjection = this.param('visual_projection', [fv, c.attentionDim], tfl.initializers.glorotUniform({}));
      this.gate = this.track(new GatedFusion({ dim: c.attentionDim, name: `${this.name}_gate` }));
      fused = c.attentionDim;
    }
    this.head = this.track(new VaRegressionHead({ inputDim: fused, hidden: c.headHidden, dropout: c.headDropout, tanh: c.tanh, name: `${this.name}_head` }));
    this.built = true;
  }

  /** Each branch's temporal features (eqs. 5–7), before any fusion. @returns visual [B, T, 3·Cv], vggish and logmel [B, T, 3·Ca] */
  branchFeatures(inputs: TcnFusionInputs, options: { training?: boolean } = {}): TcnFusionInputs {
    return tf.tidy(() => {
      const kw: MerCallKwargs = { training: options.training };
      return {
        visual: this.visualTcn.apply(inputs.visual, kw) as tf.Tensor, // [B, T, 3·Cv]
        vggish: this.vggishTcn.apply(inputs.vggish, kw) as tf.Tensor, // [B, T, 3·Ca]
        logmel: this.logmelTcn.apply(inputs.logmel, kw) as tf.Tensor,
      };
    });
  }

  /** The parts a training stage can train, each its variables (`head` is the regressor). */
  parts(): Record<string, tf.Variable[]> {
    const own = (layers: (tfl.layers.Layer | undefined)[]) => layers.flatMap((l) => (l ? l.trainableWeights.map((w) => w.read() as tf.Variable) : []));
    return {
      visual_tcn: own([this.visualTcn]),
      vggish_tcn: own([this.vggishTcn]),
      logmel_tcn: own([this.logmelTcn]),
      vggish_attention: own([this.vggishAttention]),
      logmel_attention: own([this.logmelAttention]),
      ...(this.gate && this.visualProjection ? { gate: [this.visualProjection.read() as tf.Variable, ...own([this.gate])] } : {}),
      head: own([this.head]),
    };
  }

  /** Fused per-frame features before the head. @returns [B, T, F] */
  forwardFeatures(inputs: TcnFusionInputs, options: { mask?: tf.Tensor; training?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const { visual: v, vggish: a1, logmel: a2 } = this.branchFeatures(inputs, options); // [B, T, 3·Cv], [B, T, 3·Ca] ×2
      const att = { keyMask: options.mask, training: options.training };
      const x1 = this.vggishAttention.apply([v, a1, a1], att) as tf.Tensor; // [B, T, dA]
      const x2 = this.logmelAttention.apply([v, a2, a2], att) as tf.Tensor;
      if (this.gate && this.visualProjection) {
        const vp = dense(v, this.visualProjection.read()); // [B, T, dA]
        return this.gate.apply([vp, tf.div(tf.add(x1, x2), 2)]) as tf.Tensor;
      }
      return tf.concat([v, x1, x2], -1); // [B, T, 3·Cv + 2·dA]
    });
  }

  /** @returns typed per-frame {valence, arousal}, each [B, T] */
  predict(inputs: TcnFusionInputs, options: { mask?: tf.Tensor; training?: boolean } = {}): VaOutput {
    return tf.tidy(() => this.head.predict(this.forwardFeatures(inputs, options), { training: options.training }));
  }

  /** [visual, vggish, logmel] → [B, T, 2] (valence, arousal). */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & { mask?: tf.Tensor } = {}): tf.Tensor {
    return tf.tidy(() => {
      const [visual, vggish, logmel] = inputs as tf.Tensor[];
      return this.head.apply(this.forwardFeatures({ visual, vggish, logmel }, { mask: kwargs.mask, training: kwargs.training }), { training: kwargs.training }) as tf.Tensor;
    });
  }

  /** Parameter counts per part, as a printable table. */
  summary(): string {
    const rows: [string, number][] = [
      ['visual multi-scale TCN', this.visualTcn.parameterCount()],
      ['VGGish multi-scale TCN', this.vggishTcn.parameterCount()],
      ['LogMel multi-scale TCN', this.logmelTcn.parameterCount()],
      ['visual→VGGish attention', this.vggishAttention.parameterCount()],
      ['visual→LogMel attention', this.logmelAttention.parameterCount()],
      ...(this.gate ? ([['gated fusion', this.gate.parameterCount() + this.config.attentionDim * this.visualTcn.outputDim]] as [string, number][]) : []),
      ['VA regression head', this.head.parameterCount()],
    ];
    const total = this.parameterCount();
    return parameterTable([...rows, ['total', total]]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.config as unknown as tf.serialization.ConfigDict) };
  }
}
