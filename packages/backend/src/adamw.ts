import * as tf from '@tensorflow/tfjs-core';

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
