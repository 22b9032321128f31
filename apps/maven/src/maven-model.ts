import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BeitEncoder, BidirectionalCrossModalBlock, dense, MerCallKwargs, MerLayer, parameterTable, SelfAttentionRefinement } from '@mer/attention-fusion';
import { PolarVaHead, PolarVaOutput } from '@mer/heads';
import { MavenConfig, Modality, savedMavenConfig } from './maven-config';

/** Per-frame features of each used modality, aligned to video frames: [B, T, D_m]. */
export type MavenInputs = Partial<Record<Modality, tf.Tensor>>;

/**
 * MAVEN: per-modality projection to d → six-pathway bidirectional cross-modal attention →
 * per-modality self-attention refinement → concat + Linear → two BEiT-style encoders (in sequence or
 * in parallel; additive attention, eq. 21–24, or BEiT's dot-product attention: `encoderAttention`) →
 * polar head (valence = I cos θ, arousal = I sin θ). A config without `encoderAttention` (saved before
 * the field existed) builds the `'beit-dot'` encoders those models had.
 */
export class MavenModel extends MerLayer {
  static className = 'MerMavenModel';
  readonly config: MavenConfig;
  private readonly projections: Record<string, { kernel: tfl.LayerVariable; bias: tfl.LayerVariable }> = {};
  private readonly fusionProjection: { kernel: tfl.LayerVariable; bias: tfl.LayerVariable };
  readonly crossModal?: BidirectionalCrossModalBlock;
  readonly refinements: SelfAttentionRefinement[];
  readonly encoders: BeitEncoder[];
  readonly head: PolarVaHead;

  constructor(config: MavenConfig, name?: string) {
    super({ name });
    if (config.modalities.length === 0) throw new Error('MAVEN: at least one modality is needed');
    const c = savedMavenConfig(config);
    if (c.encoderAttention !== 'additive' && c.encoderAttention !== 'beit-dot') {
      throw new Error(`MAVEN: encoderAttention '${String(c.encoderAttention)}' is not one of 'additive' (eq. 21–24), 'beit-dot'`);
    }
    this.config = c;
    const widths: Record<Modality, number> = { visual: c.visualDim, audio: c.audioDim, text: c.textDim };
    for (const m of c.modalities) {
      this.projections[m] = {
        kernel: this.param(`${m}_projection_kernel`, [widths[m], c.dim], tfl.initializers.glorotUniform({})),
        bias: this.param(`${m}_projection_bias`, [c.dim], tfl.initializers.zeros()),
      };
    }
    const concat = c.dim * c.modalities.length;
    this.fusionProjection = {
      kernel: this.param('fusion_projection_kernel', [concat, c.projDim], tfl.initializers.glorotUniform({})),
      bias: this.param('fusion_projection_bias', [c.projDim], tfl.initializers.zeros()),
    };
    if (c.modalities.length > 1) {
      this.crossModal = this.track(
        new BidirectionalCrossModalBlock({ dim: c.dim, numHeads: c.heads, dropout: c.dropout, numStreams: c.modalities.length, queryFrom: c.queryFrom, name: `${this.name}_cross_modal` }),
      );
    }
    this.refinements = c.modalities.map((m) => this.track(new SelfAttentionRefinement({ dim: c.dim, numHeads: c.heads, dropout: c.dropout, name: `${this.name}_refine_${m}` })));
    this.encoders = [0, 1].map((i) =>
      this.track(
        new BeitEncoder({
          dim: c.projDim,
          numHeads: c.beitHeads,
          attention: c.encoderAttention,
          depth: c.beitDepth,
          maxRelativePosition: c.maxRelativePosition,
          layerScaleInit: c.layerScaleInit,
          dropout: c.dropout,
          name: `${this.name}_beit${i + 1}`,
        }),
      ),
    );
    const featureDim = c.beitMode === 'parallel' ? 2 * c.projDim : c.projDim;
    this.head = this.track(
      new PolarVaHead({ inputDim: featureDim, hidden: c.headHidden, dropout: c.headDropout, pooling: c.pooling, intensityActivation: c.intensityActivation, name: `${this.name}_head` }),
    );
    this.built = true;
  }

  /** Encoded per-frame features before the head. @returns [B, T, projDim] (or 2·projDim in parallel mode) */
  forwardFeatures(inputs: MavenInputs, options: { mask?: tf.Tensor; training?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const kw: MerCallKwargs & { keyMask?: tf.Tensor } = { keyMask: options.mask, training: options.training };
      const projected = this.config.modalities.map((m) => {
        const x = inputs[m];
        if (!x) throw new Error(`MAVEN: missing '${m}' features (configured modalities: ${this.config.modalities.join(', ')})`);
        const want = { visual: this.config.visualDim, audio: this.config.audioDim, text: this.config.textDim }[m];
        if (x.shape[2] !== want) throw new Error(`MAVEN: '${m}' features are ${x.shape[2]}-d, the config expects ${want}`);
        return dense(x, this.projections[m].kernel.read(), this.projections[m].bias.read()); // [B, T, d]
      });
      const enhanced = this.crossModal ? (this.crossModal.apply(projected, kw) as unknown as tf.Tensor[]) : projected;
      const refined = enhanced.map((e, i) => this.refinements[i].apply(e, kw) as tf.Tensor); // [B, T, d] each
      const fused = dense(tf.concat(refined, -1), this.fusionProjection.kernel.read(), this.fusionProjection.bias.read()); // [B, T, projDim]
      const [enc1, enc2] = this.encoders;
      if (this.config.beitMode === 'parallel') return tf.concat([enc1.apply(fused, kw) as tf.Tensor, enc2.apply(fused, kw) as tf.Tensor], -1);
      return enc2.apply(enc1.apply(fused, kw) as tf.Tensor, kw) as tf.Tensor;
    });
  }

  /** Typed polar predictions: {valence, arousal, intensity, angle}, each [B, T] (or [B] when pooled). */
  predict(inputs: MavenInputs, options: { mask?: tf.Tensor; training?: boolean } = {}): PolarVaOutput {
    return tf.tidy(() => this.head.predict(this.forwardFeatures(inputs, options), options));
  }

  /** Tensors in `config.modalities` order → [B, T, 2] (valence, arousal). */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MerCallKwargs & { mask?: tf.Tensor } = {}): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const named: MavenInputs = Object.fromEntries(this.config.modalities.map((m, i) => [m, list[i]]));
      const out = this.predict(named, { mask: kwargs.mask, training: kwargs.training });
      return tf.stack([out.valence, out.arousal], -1);
    });
  }

  summary(): string {
    const projections = this.config.modalities.reduce((s, m) => {
      const w = { visual: this.config.visualDim, audio: this.config.audioDim, text: this.config.textDim }[m];
      return s + (w + 1) * this.config.dim;
    }, 0);
    const rows: [string, number][] = [
      ['modality projections', projections],
      ['cross-modal block (pathways)', this.crossModal?.parameterCount() ?? 0],
      ['self-attention refinement', this.refinements.reduce((s, r) => s + r.parameterCount(), 0)],
      ['concat + projection', (this.config.dim * this.config.modalities.length + 1) * this.config.projDim],
      [`BEiT encoder 1 (${this.config.encoderAttention})`, this.encoders[0].parameterCount()],
      [`BEiT encoder 2 (${this.config.encoderAttention})`, this.encoders[1].parameterCount()],
      ['polar head', this.head.parameterCount()],
      ['total', this.parameterCount()],
    ];
    return parameterTable(rows);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.config as unknown as tf.serialization.ConfigDict) };
  }
}
