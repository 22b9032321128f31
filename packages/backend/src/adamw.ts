import * as tf from '@tensorflow/tfjs-core';
import { adamwStep, hasFusedAdamW } from './kernels/adamw-wasm';

/** Constructor arguments for {@link AdamW}; defaults are PyTorch's `torch.optim.AdamW`. */
export interface AdamWArgs {
  /** Default 1e-3. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Added to √v̂. Default 1e-8. */
  epsilon?: number;
  /** Decoupled weight decay λ: each step `θ ← θ − lr·λ·θ` before the Adam update. Default 1e-2. */
  weightDecay?: number;
  /**
   * Which variables are decayed, by variable name. Default: all. A common choice is to exempt
   * biases and LayerNorm parameters: `(name) => !/bias|gamma|beta/.test(name)`.
   */
  decay?: (variableName: string) => boolean;
}

export const DEFAULT_ADAMW: Required<Omit<AdamWArgs, 'decay'>> = {
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 1e-2,
};

/** tfjs AdamOptimizer's private slots (the fused path keeps their layout). */
interface AdamSlots {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter, 2019), numerically the same update as
 * PyTorch's AdamW: `θ ← θ(1 − lr·λ)`, then the bias-corrected Adam step. tfjs ships no AdamW.
 */
export class AdamW extends tf.AdamOptimizer {
  static override get className(): string {
    return 'AdamW';
  }

  readonly weightDecay: number;
  private readonly decayFilter: (variableName: string) => boolean;

  constructor(args: AdamWArgs = {}) {
    const a = { ...DEFAULT_ADAMW, ...args };
    super(a.learningRate, a.beta1, a.beta2, a.epsilon);
    this.weightDecay = a.weightDecay;
    this.decayFilter = args.decay ?? (() => true);
  }

  /** The current learning rate (schedulers change it between steps). */
  getLearningRate(): number {
    return this.learningRate;
  }

  setLearningRate(lr: number): void {
    if (!(lr >= 0) || !Number.isFinite(lr)) throw new Error(`AdamW: learning rate must be a finite number ≥ 0, got ${lr}`);
    this.learningRate = lr;
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (hasFusedAdamW()) {
      this.applyFused(variableGradients);
      return;
    }
    const shrink = 1 - this.learningRate * this.weightDecay;
    if (shrink !== 1) {
      const named = Array.isArray(variableGradients)
        ? variableGradients.map((v) => [v.name, v.tensor] as const)
        : Object.entries(variableGradients);
      tf.tidy(() => {
        for (const [name, grad] of named) {
          if (grad == null || !this.decayFilter(name)) continue;
          const variable = tf.engine().registeredVariables[name];
          variable.assign(tf.mul(variable, shrink));
        }
      });
    }
    super.applyGradients(variableGradients);
  }

  /**
   * The same update as the op-by-op path (decay, then tfjs' Adam step, bit for bit), one kernel per
   * parameter. Keeps tfjs' slot layout (moments by position, running β powers), so getWeights /
   * setWeights and mer's optimizer-state capture see no difference.
   */
  private applyFused(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const self = this as unknown as AdamSlots;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const shrink = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      const [c1, c2] = [tf.sub(1, self.accBeta1).dataSync()[0], tf.sub(1, self.accBeta2).dataSync()[0]];
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i].variable;
        const v = self.accumulatedSecondMoment[i].variable;
        const [value2, m2, v2] = adamwStep(value, gradient, m, v, {
          decay: shrink !== 1 && this.decayFilter(name),
          shrink,
          beta1: this.beta1,
          beta2: this.beta2,
          biasCorrection1: c1,
          biasCorrection2: c2,
          epsilon: this.epsilon,
          learningRate: this.learningRate,
        });
        m.assign(m2);
        v.assign(v2);
        value.assign(value2);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, this.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new (cls as any)({
      learningRate: config['learningRate'],
      beta1: config['beta1'],
      beta2: config['beta2'],
      epsilon: config['epsilon'],
      weightDecay: config['weightDecay'],
    });
  }
}

tf.serialization.registerClass(AdamW);
