import type { PipelineName } from '@mer/feature-extractors';

/** How a pipeline is trained. Defaults per pipeline come from the papers (SPEC); every field can be overridden. */
export interface TrainingConfig {
  optimizer: 'adamw' | 'adam' | 'sgd';
  learningRate: number;
  /** AdamW: decoupled decay; Adam/SGD: L2 added to the gradients (PyTorch's `weight_decay`). */
  weightDecay: number;
  /** SGD momentum. */
  momentum: number;
  batchSize: number;
  epochs: number;
  loss: 'mse' | 'ccc' | 'cross-entropy';
  scheduler: { kind: 'none' } | { kind: 'plateau'; factor: number; patience: number } | { kind: 'step'; stepSize: number; gamma: number };
  /** Stop after this many epochs without validation improvement; null never stops early. */
  earlyStoppingPatience: number | null;
  /** Frame-level pipelines: training windows (frames) and hop. */
  window: { size: number; hop: number } | null;
  /** AVT-CA modality-dropout augmentation (each batch also with audio zeroed / video zeroed). */
  modalityDropout: boolean;
  seed: number;
}

const COMMON = { momentum: 0.9, earlyStoppingPatience: null, modalityDropout: false, seed: 7 } as const;

/** The papers' training setups (SPEC). */
export const TRAINING_DEFAULTS: Record<PipelineName, TrainingConfig> = {
  // MAVEN: AdamW lr 1e-4, wd 1e-2, batch 16, 200 epochs, MSE on (v, a) (eq. 32); windows of 64 frames.
  maven: { ...COMMON, optimizer: 'adamw', learningRate: 1e-4, weightDecay: 1e-2, batchSize: 16, epochs: 200, loss: 'mse', scheduler: { kind: 'none' }, window: { size: 64, hop: 32 } },
  // TCN-fusion (code): Adam lr 1e-5, wd 1e-3, batch 16, 1 − CCC, ReduceLROnPlateau on validation CCC; windows 300/200.
  'tcn-fusion': { ...COMMON, optimizer: 'adam', learningRate: 1e-5, weightDecay: 1e-3, batchSize: 16, epochs: 100, loss: 'ccc', scheduler: { kind: 'plateau', factor: 0.1, patience: 5 }, window: { size: 300, hop: 200 } },
  // AVT-CA (paper): Adam lr 0.01, wd 1e-3, batch 8, 128 epochs, cross-entropy.
  'avt-ca': { ...COMMON, optimizer: 'adam', learningRate: 0.01, weightDecay: 1e-3, batchSize: 8, epochs: 128, loss: 'cross-entropy', scheduler: { kind: 'none' }, window: null },
};

export function trainingConfig(pipeline: PipelineName, overrides: Partial<TrainingConfig> = {}): TrainingConfig {
  const base = TRAINING_DEFAULTS[pipeline];
  if (!base) throw new Error(`no training defaults for pipeline '${pipeline}'`);
  return { ...base, ...overrides };
}
