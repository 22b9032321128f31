/** Typed configuration of AVT-CA. Defaults (`paper`) from the paper and, where it is silent, its code. */
export interface AvtCaConfig {
  /** RAVDESS 8, CREMA-D 6, CMU-MOSEI 6 (multi-label). */
  numClasses: number;
  multiLabel: boolean;
  /**
   * 'features': per-frame face embeddings from a pretrained face model replace the EfficientFace
   * backbone (no pretrained EfficientFace weights are available here). 'raw': face crops [B, Tv, H, W, 3]
   * (224×224 pixels 0–255, scaled /255 by the network, as the paper's code does) go through an
   * EfficientFace-style backbone trained with the rest.
   */
  mode: 'features' | 'raw';
  /** Raw mode: the face crops' side in pixels (224; `mer extract --crop-size` for smaller). Pipelines set it from the stored crops. */
  cropSize: number;
  /** The raw-mode backbone: units per stage and widths (EfficientFace: [4, 8, 4], [29, 116, 232, 464, 1024]). */
  backbone: { stagesRepeats: [number, number, number]; stagesOutChannels: [number, number, number, number, number] };
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
  mode: 'raw',
  cropSize: 224,
  backbone: { stagesRepeats: [4, 8, 4], stagesOutChannels: [29, 116, 232, 464, 1024] },
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

/**
 * Named presets: `paper` (raw 224×224 face crops through the EfficientFace-style backbone, max pooling,
 * add), `official-code` (mean pooling, concat), `features` (the paper's fusion on per-frame embeddings
 * of a pretrained face model instead of the backbone), `lite` (features mode, channels ÷ 4, 4 heads).
 */
export const AVT_CA_PRESETS: Record<string, () => AvtCaConfig> = {
  paper: () => ({
    ...AVT_CA_PAPER,
    audioChannels: [...AVT_CA_PAPER.audioChannels],
    videoChannels: [...AVT_CA_PAPER.videoChannels],
    backbone: { stagesRepeats: [4, 8, 4], stagesOutChannels: [29, 116, 232, 464, 1024] },
  }),
  'official-code': () => ({ ...AVT_CA_PRESETS['paper'](), pooling: 'mean', combine: 'concat' }),
  features: () => ({ ...AVT_CA_PRESETS['paper'](), mode: 'features' }),
  lite: () => ({ ...AVT_CA_PRESETS['features'](), audioChannels: [16, 32, 64, 32], videoChannels: [16, 16, 32, 32], crossHeads: 4 }),
};

export function avtCaConfig(preset = 'paper', overrides: Partial<AvtCaConfig> = {}): AvtCaConfig {
  const make = AVT_CA_PRESETS[preset];
  if (!make) throw new Error(`AVT-CA: unknown preset '${preset}' (${Object.keys(AVT_CA_PRESETS).join(', ')})`);
  const config = { ...make(), ...overrides };
  // Raw mode: the frames' width is the backbone's (unless named, then it must agree).
  if (config.mode === 'raw' && overrides.videoDim === undefined) config.videoDim = config.backbone.stagesOutChannels[4];
  if (config.mode === 'raw' && config.videoDim !== config.backbone.stagesOutChannels[4]) {
    throw new Error(`AVT-CA: in raw mode videoDim (${config.videoDim}) must equal the backbone's output width (${config.backbone.stagesOutChannels[4]})`);
  }
  if (config.audioChannels[3] !== config.videoChannels[3]) {
    throw new Error(`AVT-CA: cross-self-attention needs equal stage-2 widths (audio ${config.audioChannels[3]}, video ${config.videoChannels[3]})`);
  }
  return config;
}
