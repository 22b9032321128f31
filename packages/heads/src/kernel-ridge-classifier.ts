import * as tf from '@tensorflow/tfjs-core';
import { balancedWeights, kernelRidgeDual } from './kernel-ridge-dual';
import { rbfKernel } from './rbf-kernel';

/** How a kernel ridge classifier is fitted. */
export interface KernelRidgeArgs {
  /** RBF width γ, or 'scale': 1 / (D · Var(X)) over the training rows' values (scikit-learn's `gamma='scale'`). Default 'scale'. */
  gamma?: number | 'scale';
  /** Ridge λ (scikit-learn's `alpha`). Default 0.3. */
  lambda?: number;
  /** Weight items by N / (C · n_class) so every class counts alike. Default true. */
  classBalance?: boolean;
}

export const DEFAULT_KERNEL_RIDGE: Required<KernelRidgeArgs> = { gamma: 'scale', lambda: 0.3, classBalance: true };

/** A fitted classifier's settings, with γ resolved to a number. */
export interface KernelRidgeConfig {
  gamma: number;
  lambda: number;
  classBalance: boolean;
  numClasses: number;
  /** Input width D. */
  dim: number;
}

/** What {@link KernelRidgeClassifier.state} returns and `restore` reads: config, training rows, dual coefficients. */
export interface KernelRidgeState {
  config: KernelRidgeConfig;
  /** [N, D] row-major training rows (the kernel's support). */
  support: Float32Array;
  /** [N, K] row-major dual coefficients α. */
  dual: Float32Array;
}

/** Typed output: [B, K] one-vs-rest decision values (argmax = the predicted class). */
export interface KernelRidgeOutput {
  logits: tf.Tensor2D;
}

/** scikit-learn's `gamma='scale'`: 1 / (D · Var(X)) over all values of X. */
export function scaleGamma(x: ArrayLike<number>, dim: number): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  v /= x.length;
  return 1 / (dim * (v > 0 ? v : 1));
}

/**
 * Kernel ridge classification on an exact RBF kernel: one-vs-rest ±1 targets, class-balanced weights,
 * the closed-form dual (K + λ W⁻¹) α = Y solved in float64 (N up to a few thousand), decisions
 * k(x, X) α on the tensor backend. A head for small data sets of utterance-level features: fitted in
 * one step rather than by gradient descent. Dispose of it when done.
 */
export class KernelRidgeClassifier {
  private constructor(
    readonly config: KernelRidgeConfig,
    private readonly support: tf.Tensor2D,
    private readonly dual: tf.Tensor2D,
  ) {}

  /**
   * @param x [N, D] training rows (standardise them first)
   * @param labels [N] class indices in [0, numClasses)
   */
  static async fit(x: tf.Tensor2D, labels: ArrayLike<number>, options: KernelRidgeArgs & { numClasses: number }): Promise<KernelRidgeClassifier> {
    const [n, dim] = x.shape;
    if (labels.length !== n) throw new Error(`KernelRidgeClassifier.fit: ${n} rows but ${labels.length} labels`);
    const args = { ...DEFAULT_KERNEL_RIDGE, ...options };
    const rows = await x.data();
    const gamma = args.gamma === 'scale' ? scaleGamma(rows, dim) : args.gamma;
    const k = rbfKernel(x, x, gamma); // [N, N]
    const kernel = Float64Array.from(await k.data());
    k.dispose();
    const weights = args.classBalance ? balancedWeights(labels, options.numClasses) : null;
    const alpha = kernelRidgeDual(kernel, labels, options.numClasses, args.lambda, weights);
    const config: KernelRidgeConfig = { gamma, lambda: args.lambda, classBalance: args.classBalance, numClasses: options.numClasses, dim };
    return new KernelRidgeClassifier(config, tf.tensor2d(Float32Array.from(rows), [n, dim]), tf.tensor2d(Float32Array.from(alpha), [n, options.numClasses]));
  }

  /** Rebuilds a classifier from {@link state}. */
  static restore(state: KernelRidgeState): KernelRidgeClassifier {
    const { config } = state;
    const n = state.support.length / config.dim;
    if (!Number.isInteger(n) || state.dual.length !== n * config.numClasses) {
      throw new Error(`KernelRidgeClassifier.restore: ${state.support.length} support values and ${state.dual.length} dual values do not fit dim ${config.dim} × ${config.numClasses} classes`);
    }
    return new KernelRidgeClassifier({ ...config }, tf.tensor2d(state.support, [n, config.dim]), tf.tensor2d(state.dual, [n, config.numClasses]));
  }

  /** Training rows kept as the kernel's support. */
  get size(): number {
    return this.support.shape[0];
  }

  /** @param x [B, D] → logits [B, K] (decision values) */
  predict(x: tf.Tensor2D): KernelRidgeOutput {
    if (x.rank !== 2 || x.shape[1] !== this.config.dim) throw new Error(`KernelRidgeClassifier.predict: expected [B, ${this.config.dim}], got [${x.shape}]`);
    return { logits: tf.tidy(() => tf.matMul(rbfKernel(x, this.support, this.config.gamma), this.dual)) };
  }

  async state(): Promise<KernelRidgeState> {
    return { config: { ...this.config }, support: (await this.support.data()) as Float32Array, dual: (await this.dual.data()) as Float32Array };
  }

  dispose(): void {
    this.support.dispose();
    this.dual.dispose();
  }
}
