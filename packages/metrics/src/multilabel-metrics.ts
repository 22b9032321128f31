export interface BinaryLabelMetrics {
  accuracy: number;
  f1: number;
  /** (TP·N/P + TN) / 2N, the CMU-MOSEI convention for imbalanced emotions. */
  weightedAccuracy: number;
  positives: number;
  negatives: number;
}

export interface MultiLabelMetrics {
  perLabel: BinaryLabelMetrics[];
  labels?: readonly string[];
  /** Means over labels. */
  meanAccuracy: number;
  meanF1: number;
  meanWeightedAccuracy: number;
  n: number;
}

export interface MultiLabelOptions {
  /** A target label is present when its score is above this. Default 0 (CMU-MOSEI emotion intensities). */
  targetThreshold?: number;
  /** A prediction is positive when above this. Default 0.5 (probabilities). */
  predictionThreshold?: number;
}

/**
 * Streaming per-label binary metrics for multi-label emotion targets (CMU-MOSEI: six emotions,
 * present if intensity > 0). Keeps four counts per label.
 */
export class MultiLabelAccumulator {
  private readonly tp: number[];
  private readonly fp: number[];
  private readonly tn: number[];
  private readonly fn: number[];
  private rows = 0;
  private readonly targetThreshold: number;
  private readonly predictionThreshold: number;

  constructor(
    readonly numLabels: number,
    readonly labels?: readonly string[],
    options: MultiLabelOptions = {},
  ) {
    if (labels !== undefined && labels.length !== numLabels) throw new Error(`${labels.length} label names for ${numLabels} labels`);
    this.tp = new Array(numLabels).fill(0);
    this.fp = new Array(numLabels).fill(0);
    this.tn = new Array(numLabels).fill(0);
    this.fn = new Array(numLabels).fill(0);
    this.targetThreshold = options.targetThreshold ?? 0;
    this.predictionThreshold = options.predictionThreshold ?? 0.5;
  }

  /**
   * @param predictions [N, L] row-major scores or probabilities
   * @param targets [N, L] row-major target scores
   */
  update(predictions: ArrayLike<number>, targets: ArrayLike<number>): this {
    const l = this.numLabels;
    if (predictions.length !== targets.length || targets.length % l !== 0) {
      throw new Error(`predictions (${predictions.length}) and targets (${targets.length}) must both be N × ${l}`);
    }
    for (let i = 0; i < targets.length; i++) {
      const k = i % l;
      if (Number.isNaN(predictions[i]) || Number.isNaN(targets[i])) {
        throw new Error(`NaN at row ${this.rows + Math.floor(i / l)}, label ${this.labels?.[k] ?? k}`);
      }
      const y = targets[i] > this.targetThreshold;
      const p = predictions[i] > this.predictionThreshold;
      if (y && p) this.tp[k]++;
      else if (!y && p) this.fp[k]++;
      else if (!y && !p) this.tn[k]++;
      else this.fn[k]++;
    }
    this.rows += targets.length / l;
    return this;
  }

  result(): MultiLabelMetrics {
    if (this.rows === 0) throw new Error('no samples to score');
    const perLabel = this.tp.map((tp, k): BinaryLabelMetrics => {
      const fp = this.fp[k];
      const tn = this.tn[k];
      const fn = this.fn[k];
      const positives = tp + fn;
      const negatives = tn + fp;
      const f1 = 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
      // With no positives (or no negatives) the weighting is undefined; fall back to plain accuracy.
      const weightedAccuracy =
        positives === 0 || negatives === 0 ? (tp + tn) / this.rows : ((tp * negatives) / positives + tn) / (2 * negatives);
      return { accuracy: (tp + tn) / this.rows, f1, weightedAccuracy, positives, negatives };
    });
    const mean = (f: (m: BinaryLabelMetrics) => number) => perLabel.reduce((s, m) => s + f(m), 0) / perLabel.length;
    return {
      perLabel,
      labels: this.labels,
      meanAccuracy: mean((m) => m.accuracy),
      meanF1: mean((m) => m.f1),
      meanWeightedAccuracy: mean((m) => m.weightedAccuracy),
      n: this.rows,
    };
  }
}
