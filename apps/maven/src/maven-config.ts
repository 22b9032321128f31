import type { EncoderAttention } from '@mer/attention-fusion';

export type Modality = 'visual' | 'audio' | 'text';

/** Typed configuration of MAVEN. Defaults (`paper`) from the paper and, where it is silent, its code. */
export interface MavenConfig {
  /** Swin-B pooled embedding. */
  visualDim: number;
  /** HuBERT-base hidden state. */
  audioDim: number;
  /** RoBERTa-base embedding. */
  textDim: number;
  /** Modalities used (ablations: one or two). Default all three. */
  modalities: Modality[];
  /** Common width after per-modality projection (code: 512). */
  dim: number;
  /** Heads of each cross-modal pathway and refinement attention (2). */
  heads: number;
  dropout: number;
  queryFrom: 'receiver' | 'source';
  /** Width after concat + projection (768). */
  projDim: number;
  /**
   * The attention inside each encoder layer (residuals, norms, layer-scale and MLP are the same for
   * both): `'additive'`, the paper's eq. 21–24 (single-head, no position term); `'beit-dot'`, BEiT's
   * multi-head dot-product attention with a learned relative position bias (the official code's
   * pretrained BEiT encoder). Presets: `paper` and `lite` additive, `official-code` beit-dot. A config
   * without the field (a model saved before it existed) means `'beit-dot'`, what those models used.
   */
  encoderAttention: EncoderAttention;
  /** Layers per BEiT-style encoder (BEiT-base: 12). */
  beitDepth: number;
  /** Heads of the `'beit-dot'` attention (the additive attention is single-head). */
  beitHeads: number;
  /** 'sequential' BEiT2(BEiT1(x)) (paper eq. 25) or 'parallel' [BEiT1(x); BEiT2(x)] (code). */
  beitMode: 'sequential' | 'parallel';
  /** Longest relative distance with its own bias (`'beit-dot'` only). */
  maxRelativePosition: number;
  layerScaleInit: number;
  headHidden: number[];
  headDropout: number;
  /** 'none': per-frame predictions (ABAW). 'mean': one per window (eq. 26). */
  pooling: 'none' | 'mean';
  intensityActivation: 'softplus' | 'relu' | 'none';
}

export const MAVEN_PAPER: MavenConfig = {
  visualDim: 1024,
  audioDim: 768,
  textDim: 768,
  modalities: ['visual', 'audio', 'text'],
  dim: 512,
  heads: 2,
  dropout: 0.1,
  queryFrom: 'receiver',
  projDim: 768,
  encoderAttention: 'additive',
  beitDepth: 12,
  beitHeads: 12,
  beitMode: 'sequential',
  maxRelativePosition: 512,
  layerScaleInit: 0.1,
  headHidden: [512, 256],
  headDropout: 0.2,
  pooling: 'none',
  intensityActivation: 'softplus',
};

/**
 * Named presets.
 * - `paper`: the two encoders in sequence, `BEiT2(BEiT1(x))` (eq. 25), each 12 layers at BEiT-base
 *   width 768, with the paper's additive attention (eq. 21–24) inside the pre-LN / layer-scale / MLP
 *   layer.
 * - `official-code`: the two encoders in parallel, outputs concatenated to 1536, with BEiT's own
 *   dot-product attention and relative position bias (`'beit-dot'`): the official code runs two copies
 *   of a pretrained HuggingFace `BeitModel` encoder.
 * - `lite` (CPU-friendly: width 64, one layer per encoder, head 64→32): additive, like `paper`, because
 *   lite is the paper's architecture at small widths and the additive layer costs it little: one
 *   training step at B=16, T=64 on wasm takes 1.3× the beit-dot version's time (262 vs 207 ms) and no
 *   more memory (`npm run bench:models -- --net maven --only lite`, five interleaved runs, medians),
 *   with the tanh terms chunked and recomputed for the gradient (`additiveScores`).
 *   `{"model": {"encoderAttention": "beit-dot"}}` keeps the dot-product version.
 *
 * Hyper-parameters MAVEN states twice, differently — §3.8: AdamW, lr 1e-4, weight decay 1e-2, dropout
 * 0.2 after each fully connected layer of the emotion predictor; §4.2: Adam, lr 1e-4, batch 16, weight
 * decay 1e-3, 200 epochs. Taken: §3.8's AdamW with decoupled weight decay 1e-2 (the training recipe's
 * `paper` profile, `mavenRecipe.training.paper`) and its head dropout 0.2 (`headDropout`), because §3.8
 * is the method's own definition of the optimiser and §4.2 restates it loosely (same rate, a decay
 * that with PyTorch's Adam would be an L2 term inside the moments, a different regulariser); §4.2's
 * batch 16 and 200 epochs, on which §3 is silent. The rate 1e-4 both agree on. §4.2's reading is one
 * override away: training config `{"optimizer": "adam", "weightDecay": 1e-3}` (L2 added to the
 * gradients, as PyTorch's Adam does). The official code differs again (Adam lr 1e-3, weight decay
 * 1e-4, 50 epochs, plateau schedule) and is not copied. The 0.1 dropout of the attention blocks
 * (`dropout`) is the code's; the paper gives none.
 */
export const MAVEN_PRESETS: Record<string, () => MavenConfig> = {
  paper: () => ({ ...MAVEN_PAPER }),
  'official-code': () => ({ ...MAVEN_PAPER, beitMode: 'parallel', encoderAttention: 'beit-dot' }),
  lite: () => ({ ...MAVEN_PAPER, dim: 64, projDim: 64, beitDepth: 1, beitHeads: 4, maxRelativePosition: 128, headHidden: [64, 32] }),
};

/** A config as saved by an older mer: fields added since then get the value those models were built with. */
export function savedMavenConfig(config: Partial<MavenConfig>): MavenConfig {
  return { ...config, encoderAttention: config.encoderAttention ?? 'beit-dot' } as MavenConfig;
}

export function mavenConfig(preset = 'paper', overrides: Partial<MavenConfig> = {}): MavenConfig {
  const make = MAVEN_PRESETS[preset];
  if (!make) throw new Error(`MAVEN: unknown preset '${preset}' (${Object.keys(MAVEN_PRESETS).join(', ')})`);
  return { ...make(), ...overrides };
}
