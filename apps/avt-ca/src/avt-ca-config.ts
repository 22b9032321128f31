/** Typed configuration of AVT-CA. Defaults (`paper`) from the paper and, where it is silent, its code. */
export interface AvtCaConfig {
  /** RAVDESS 8, CREMA-D 6, CMU-MOSEI 6 (multi-label). */
  numClasses: number;
  multiLabel: boolean;
  /**
   * 'features': per-frame face embeddings from a pretrained face model replace the EfficientFace
   * backbone (no pretrained EfficientFace weights are available here). 'raw' (224×224 crops through
   * the backbone) is not built yet.
   */
  mode: 'features';
  /** MFCC coefficients per audio frame (10 at 22.05 kHz). */
  audioDim: number;
  /** Per-frame face embedding width in 'features' mode (EfficientFace: 1024). */
  videoDim: number;
  /** Audio conv channels: stage 1 [c1, c2], stage 2 [c3, c4] (10→64→128, 128→256→128). */
  audioChannels: [number, number, number, number];
  /** Temporal video conv channels: stage 1 [c1, c2], stage 2 [c3, c4] (→64→64, 64→128→128). */
  videoChannels: [number, number, number, number];
  /** Heads of the intermediate transformer fusion. */
  fusionHeads: number;
  /** Heads of the cross-self-attention (8). */
  crossHeads: number;
  dropout: number;
  /** Pooling over time: 'max' (paper) or 'mean' (code). */
  pooling: 'max' | 'mean';
  /** Combining the pooled streams: 'add' (paper) or 'concat' (code). */
  combine: 'add' | 'concat';
}

export const AVT_CA_PAPER: AvtCaConfig = {
  numClasses: 8,
  multiLabel: false,
  mode: 'features',
  audioDim: 10,
  videoDim: 1024,
  audioChannels: [64, 128, 256, 128],
  videoChannels: [64, 64, 128, 128],
  fusionHeads: 1,
  crossHeads: 8,
  dropout: 0.1,
  pooling: 'max',
  combine: 'add',
};

export const AVT_CA_PRESETS: Record<string, () => AvtCaConfig> = {
  paper: () => ({ ...AVT_CA_PAPER, audioChannels: [...AVT_CA_PAPER.audioChannels], videoChannels: [...AVT_CA_PAPER.videoChannels] }),
  'official-code': () => ({ ...AVT_CA_PRESETS['paper'](), pooling: 'mean', combine: 'concat' }),
  lite: () => ({ ...AVT_CA_PRESETS['paper'](), audioChannels: [16, 32, 64, 32], videoChannels: [16, 16, 32, 32], crossHeads: 4 }),
};

export function avtCaConfig(preset = 'paper', overrides: Partial<AvtCaConfig> = {}): AvtCaConfig {
  const make = AVT_CA_PRESETS[preset];
  if (!make) throw new Error(`AVT-CA: unknown preset '${preset}' (${Object.keys(AVT_CA_PRESETS).join(', ')})`);
  const config = { ...make(), ...overrides };
  if (config.audioChannels[3] !== config.videoChannels[3]) {
    throw new Error(`AVT-CA: cross-self-attention needs equal stage-2 widths (audio ${config.audioChannels[3]}, video ${config.videoChannels[3]})`);
  }
  return config;
}
