/** Typed configuration of the TCN-fusion network. Defaults (`paper`) from Yu et al. and its code. */
export interface TcnFusionConfig {
  /** IResNet-50 embedding width. */
  visualDim: number;
  /** VGGish embedding width. */
  vggishDim: number;
  /** LogMel-VGG embedding width. */
  logmelDim: number;
  /** TCN channels per level: visual 128, audio 64. */
  visualChannels: number;
  audioChannels: number;
  kernelSizes: number[];
  dilations: number[];
  tcnDropout: number;
  causal: boolean;
  /** Cross-modal attention width and heads (code: 256, 4). */
  attentionDim: number;
  attentionHeads: number;
  /** 'concat' (paper, eqs. 11–15) or 'gated' (the official code's g·v + (1 − g)·attn). */
  fusion: 'concat' | 'gated';
  headHidden: number;
  headDropout: number;
  /** tanh clamp of the outputs. */
  tanh: boolean;
}

export const TCN_FUSION_PAPER: TcnFusionConfig = {
  visualDim: 512,
  vggishDim: 128,
  logmelDim: 128,
  visualChannels: 128,
  audioChannels: 64,
  kernelSizes: [3, 5, 7],
  dilations: [1, 2, 4, 8],
  tcnDropout: 0.1,
  causal: false,
  attentionDim: 256,
  attentionHeads: 4,
  fusion: 'concat',
  headHidden: 256,
  headDropout: 0.1,
  tanh: false,
};

/** Named presets: `paper` (default), `official-code` (gated fusion, 512→64→2-style small head), `lite` (CPU). */
export const TCN_FUSION_PRESETS: Record<string, () => TcnFusionConfig> = {
  paper: () => ({ ...TCN_FUSION_PAPER }),
  'official-code': () => ({ ...TCN_FUSION_PAPER, fusion: 'gated', headHidden: 64 }),
  lite: () => ({ ...TCN_FUSION_PAPER, visualChannels: 32, audioChannels: 16, attentionDim: 64, attentionHeads: 4, headHidden: 64 }),
};

export function tcnFusionConfig(preset = 'paper', overrides: Partial<TcnFusionConfig> = {}): TcnFusionConfig {
  const make = TCN_FUSION_PRESETS[preset];
  if (!make) throw new Error(`TCN-fusion: unknown preset '${preset}' (${Object.keys(TCN_FUSION_PRESETS).join(', ')})`);
  return { ...make(), ...overrides };
}
