/** How a network is trained. Each recipe gives its paper's values as the `paper` profile; every field can be overridden. */
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
  /** Frame-level networks: training windows (frames) and hop. */
  window: { size: number; hop: number } | null;
  /** Modality-dropout augmentation: each batch also runs with one droppable stream zeroed, in turn. */
  modalityDropout: boolean;
  seed: number;
}

/** Fields most papers leave at these values. */
export const TRAINING_COMMON = { momentum: 0.9, earlyStoppingPatience: null, modalityDropout: false, seed: 7 } as const;
