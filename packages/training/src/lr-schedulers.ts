import * as tf from '@tensorflow/tfjs-core';

/** Anything whose learning rate a scheduler can read and change. */
export interface LearningRateControl {
  getLearningRate(): number;
  setLearningRate(lr: number): void;
}

/**
 * Learning-rate access for any tfjs optimizer: AdamW's own methods, or the `learningRate` field every
 * tfjs optimizer (SGD, momentum, Adam, …) reads on each step.
 */
export function learningRateControl(optimizer: tf.Optimizer | LearningRateControl): LearningRateControl {
  const o = optimizer as unknown as Partial<LearningRateControl> & { learningRate?: number };
  if (typeof o.getLearningRate === 'function' && typeof o.setLearningRate === 'function') return optimizer as LearningRateControl;
  if (typeof o.learningRate !== 'number') throw new Error('learningRateControl: this optimizer has no learningRate field');
  return {
    getLearningRate: () => o.learningRate as number,
    setLearningRate: (lr: number) => {
      o.learningRate = lr;
    },
  };
}

export interface ReduceLROnPlateauArgs {
  /** 'max' for metrics like CCC or accuracy (default), 'min' for losses. */
  mode?: 'max' | 'min';
  /** New lr = lr · factor. Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Relative improvement that counts. Default 1e-4. */
  threshold?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  minLr?: number;
}

/**
 * Reduces the learning rate when a validation metric stops improving — the same rule, order of
 * operations and defaults as PyTorch's `ReduceLROnPlateau` (relative threshold), tested against it.
 */
export class ReduceLROnPlateau {
  readonly args: Required<ReduceLROnPlateauArgs>;
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;

  constructor(
    private readonly target: LearningRateControl,
    args: ReduceLROnPlateauArgs = {},
  ) {
    this.args = { mode: args.mode ?? 'max', factor: args.factor ?? 0.1, patience: args.patience ?? 10, threshold: args.threshold ?? 1e-4, cooldown: args.cooldown ?? 0, minLr: args.minLr ?? 0 };
    if (!(this.args.factor < 1)) throw new Error(`ReduceLROnPlateau: factor must be < 1, got ${this.args.factor}`);
    this.best = this.args.mode === 'max' ? -Infinity : Infinity;
  }

  private isBetter(value: number): boolean {
    const { mode, threshold } = this.args;
    return mode === 'max' ? value > this.best * (1 + (this.best >= 0 ? threshold : -threshold)) : value < this.best * (1 - (this.best >= 0 ? threshold : -threshold));
  }

  /** Call once per epoch with the validation metric; returns the learning rate now in force. */
  step(metric: number): number {
    if (!Number.isFinite(metric)) throw new Error(`ReduceLROnPlateau: metric ${metric} is not finite`);
    if (this.isBetter(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.args.patience) {
      const old = this.target.getLearningRate();
      const next = Math.max(old * this.args.factor, this.args.minLr);
      if (old - next > 1e-8) this.target.setLearningRate(next);
      this.cooldownLeft = this.args.cooldown;
      this.badEpochs = 0;
    }
    return this.target.getLearningRate();
  }

  /** State to checkpoint, so a resumed run schedules exactly as an uninterrupted one. */
  state(): { best: number; badEpochs: number; cooldownLeft: number } {
    return { best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft };
  }

  restore(state: { best: number; badEpochs: number; cooldownLeft: number }): void {
    ({ best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft } = state);
  }
}

/** Multiplies the learning rate by `gamma` every `stepSize` epochs (PyTorch's StepLR). */
export class StepLR {
  private epoch = 0;
  private readonly baseLr: number;

  constructor(
    private readonly target: LearningRateControl,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    if (!(Number.isInteger(stepSize) && stepSize > 0)) throw new Error(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
    this.baseLr = target.getLearningRate();
  }

  /** Call at the end of each epoch; returns the learning rate for the next one. */
  step(): number {
    this.epoch++;
    this.target.setLearningRate(this.baseLr * this.gamma ** Math.floor(this.epoch / this.stepSize));
    return this.target.getLearningRate();
  }

  state(): { epoch: number } {
    return { epoch: this.epoch };
  }

  restore(state: { epoch: number }): void {
    this.epoch = state.epoch;
    this.target.setLearningRate(this.baseLr * this.gamma ** Math.floor(this.epoch / this.stepSize));
  }
}
