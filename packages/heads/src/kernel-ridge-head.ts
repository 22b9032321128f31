import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MerLayer } from '@mer/attention-fusion';
import { DEFAULT_KERNEL_RIDGE, KernelRidgeClassifier, KernelRidgeOutput, KernelRidgeState, scaleGamma } from './kernel-ridge-classifier';
import { DEFAULT_KERNEL_GRID, KernelRidgeGrid, selectKernelRidge } from './kernel-ridge-selection';

export interface KernelRidgeHeadArgs {
  inputDim: number;
  numClasses: number;
  /** Tried by leave-one-group-out when `fit` is given groups. Default {@link DEFAULT_KERNEL_GRID}. */
  grid?: KernelRidgeGrid;
  /** Class-balanced item weights. Default true. */
  classBalance?: boolean;
  name?: string;
}

/** What a fit chose and how. */
export interface KernelRidgeFit {
  gamma: number;
  lambda: number;
  /** Mean leave-one-group-out UAR of the chosen setting; absent when nothing was selected. */
  innerScore?: number;
  /** One line: what was chosen, by what. */
  note: string;
}

/**
 * {@link KernelRidgeClassifier} as a mer layer, so networks compose it like any head: `fit` once in
 * closed form on utterance-level rows (γ and λ chosen by leave-one-group-out UAR over the groups
 * given — e.g. the training speakers — or scikit-learn's `gamma='scale'` and λ 0.3 without groups),
 * then `predict` → `{ logits }` (decision values × a scale weight, 1, kept for checkpoints).
 * Unfitted, it predicts zeros. [B, D] → logits [B, K].
 */
export class KernelRidgeHead extends MerLayer {
  static className = 'MerKernelRidgeHead';
  readonly args: Required<Omit<KernelRidgeHeadArgs, 'name'>>;
  private readonly scale: tfl.LayerVariable;
  private classifier: KernelRidgeClassifier | null = null;

  constructor(args: KernelRidgeHeadArgs) {
    super({ name: args.name ?? 'kernel_ridge_head' });
    this.args = { grid: DEFAULT_KERNEL_GRID, classBalance: DEFAULT_KERNEL_RIDGE.classBalance, ...args };
    this.scale = this.param('logit_scale', [1], tfl.initializers.ones());
    this.built = true;
  }

  get fitted(): boolean {
    return this.classifier !== null;
  }

  /**
   * @param x [N, D] training rows (standardised)
   * @param labels [N] class indices
   * @param groups [N] each row's group (speaker), or null: then nothing is selected
   */
  async fit(x: tf.Tensor2D, labels: ArrayLike<number>, groups: readonly string[] | null): Promise<KernelRidgeFit> {
    const { inputDim: dim, numClasses, grid, classBalance } = this.args;
    if (x.rank !== 2 || x.shape[1] !== dim) throw new Error(`${this.name}.fit: expected [N, ${dim}], got [${x.shape}]`);
    const rows = (await x.data()) as Float32Array;
    let result: KernelRidgeFit;
    if (groups && new Set(groups).size >= 2) {
      const s = await selectKernelRidge({ x: rows, dim, labels, groups, numClasses }, { grid, classBalance });
      result = { gamma: s.best.gamma, lambda: s.best.lambda, innerScore: s.best.score, note: `kernel ridge with γ = ${s.best.gammaScale} × scale (${s.best.gamma.toPrecision(3)}), λ = ${s.best.lambda}: inner UAR ${s.best.score.toFixed(4)}, chosen by ${s.selectedBy}` };
    } else {
      const gamma = scaleGamma(rows, dim);
      result = { gamma, lambda: DEFAULT_KERNEL_RIDGE.lambda, note: `kernel ridge with γ = 'scale' (${gamma.toPrecision(3)}), λ = ${DEFAULT_KERNEL_RIDGE.lambda}: the rows name fewer than 2 groups (speakers), so nothing was selected` };
    }
    this.classifier?.dispose();
    this.classifier = await KernelRidgeClassifier.fit(x, labels, { numClasses, gamma: result.gamma, lambda: result.lambda, classBalance });
    return result;
  }

  /** @param x [B, D] → logits [B, K] */
  predict(x: tf.Tensor2D): KernelRidgeOutput {
    if (x.rank !== 2 || x.shape[1] !== this.args.inputDim) throw new Error(`${this.name}.predict: expected [B, ${this.args.inputDim}], got [${x.shape}]`);
    return {
      logits: tf.tidy(() => {
        const decisions = this.classifier ? this.classifier.predict(x).logits : tf.zeros([x.shape[0], this.args.numClasses]);
        return tf.mul(decisions, this.scale.read()) as tf.Tensor2D;
      }),
    };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.predict((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D).logits;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [s[0], this.args.numClasses];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.args as unknown as tf.serialization.ConfigDict) };
  }

  /** The fitted classifier's support rows and dual coefficients (null before a fit), to save beside the weights. */
  async state(): Promise<KernelRidgeState | null> {
    return this.classifier ? this.classifier.state() : null;
  }

  restore(state: KernelRidgeState | null): void {
    this.classifier?.dispose();
    this.classifier = state ? KernelRidgeClassifier.restore(state) : null;
  }

  override dispose(): ReturnType<MerLayer['dispose']> {
    this.classifier?.dispose();
    this.classifier = null;
    return super.dispose();
  }
}
tf.serialization.registerClass(KernelRidgeHead);
