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
  /** Layers per BEiT-style encoder (BEiT-base: 12). */
  beitDepth: number;
  beitHeads: number;
  /** 'sequential' BEiT2(BEiT1(x)) (paper eq. 25) or 'parallel' [BEiT1(x); BEiT2(x)] (code). */
  beitMode: 'sequential' | 'parallel';
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
 * Named presets: `paper` (two 12-layer BEiT-base-width encoders in sequence), `official-code` (the
 * two encoders in parallel, outputs concatenated to 1536), `lite` (CPU-friendly: width 64, one
 * 4-head layer per encoder, head 64→32).
 */
export const MAVEN_PRESETS: Record<string, () => MavenConfig> = {
  paper: () => ({ ...MAVEN_PAPER }),
  'official-code': () => ({ ...MAVEN_PAPER, beitMode: 'parallel' }),
  lite: () => ({ ...MAVEN_PAPER, dim: 64, projDim: 64, beitDepth: 1, beitHeads: 4, maxRelativePosition: 128, headHidden: [64, 32] }),
};

export function mavenConfig(preset = 'paper', overrides: Partial<MavenConfig> = {}): MavenConfig {
  const make = MAVEN_PRESETS[preset];
  if (!make) throw new Error(`MAVEN: unknown preset '${preset}' (${Object.keys(MAVEN_PRESETS).join(', ')})`);
  return { ...make(), ...overrides };
}
