/** Frames whose target equals this value are unlabelled (Aff-Wild2 / ABAW convention). */
export const ABAW_UNLABELLED = -5;

export interface MaskOptions {
  /** Targets equal to this are skipped. Default −5 (ABAW); `null` disables. NaN targets are always skipped. */
  maskValue?: number | null;
  /** Per-element weights: 0/false skips the element. Same length as the inputs. */
  mask?: ArrayLike<number | boolean>;
}

export interface RegressionMetrics {
  /** Concordance correlation coefficient (population variances). */
  ccc: number;
  /** Pearson correlation; 0 when either sequence is constant. */
  pcc: number;
  mse: number;
  rmse: number;
  /** Labelled elements counted. */
  n: number;
  meanPrediction: number;
  meanTarget: number;
  stdPrediction: number;
  stdTarget: number;
}

/**
 * Streaming concordance statistics: Welford/Chan co-moments in float64, so CCC, PCC and MSE over
 * millions of frames need O(1) memory and stay accurate. For the ABAW score, feed every video's
 * frames into one accumulator (pooled over all frames concatenated, not averaged per video).
 */
export class ConcordanceAccumulator {
  private n = 0;
  private meanX = 0;
  private meanY = 0;
  private m2x = 0;
  private m2y = 0;
  private cxy = 0;
  private sse = 0;
  private seen = 0;

  constructor(
    /** Used in error messages, e.g. 'valence'. */
    readonly name = 'values',
  ) {}

  /**
   * Adds aligned predictions and targets. Unlabelled targets (mask value, NaN, mask 0) are skipped;
   * a NaN or infinite prediction at a labelled element is an error naming its position.
   */
  update(prediction: ArrayLike<number>, target: ArrayLike<number>, options: MaskOptions = {}): this {
    if (prediction.length !== target.length) {
      throw new Error(`${this.name}: ${prediction.length} predictions but ${target.length} targets`);
    }
    const maskValue = options.maskValue === undefined ? ABAW_UNLABELLED : options.maskValue;
    const mask = options.mask;
    if (mask !== undefined && mask.length !== target.length) {
      throw new Error(`${this.name}: mask has ${mask.length} entries but there are ${target.length} targets`);
    }
    for (let i = 0; i < target.length; i++) {
      const y = target[i];
      if (Number.isNaN(y) || y === maskValue || (mask !== undefined && !mask[i])) continue;
      const x = prediction[i];
      if (!Number.isFinite(x)) {
        throw new Error(`${this.name}: prediction ${x} at element ${this.seen + i} (target ${y}) is not a finite number`);
      }
      if (!Number.isFinite(y)) throw new Error(`${this.name}: target ${y} at element ${this.seen + i} is not finite`);
      this.n += 1;
      const dx = x - this.meanX;
      this.meanX += dx / this.n;
      const dy = y - this.meanY;
      this.meanY += dy / this.n;
      this.m2x += dx * (x - this.meanX);
      this.m2y += dy * (y - this.meanY);
      this.cxy += dx * (y - this.meanY);
      this.sse += (x - y) * (x - y);
    }
    this.seen += target.length;
    return this;
  }

  /** Combines another accumulator's frames into this one (Chan et al. parallel update). */
  merge(other: ConcordanceAccumulator): this {
    if (other.n === 0) return this;
    const n = this.n + other.n;
    const dx = other.meanX - this.meanX;
    const dy = other.meanY - this.meanY;
    const w = (this.n * other.n) / n;
    this.m2x += other.m2x + dx * dx * w;
    this.m2y += other.m2y + dy * dy * w;
    this.cxy += other.cxy + dx * dy * w;
    this.meanX += (dx * other.n) / n;
    this.meanY += (dy * other.n) / n;
    this.sse += other.sse;
    this.n = n;
    this.seen += other.seen;
    return this;
  }

  get count(): number {
    return this.n;
  }

  /** The metrics so far. Throws when no labelled element was seen (a CCC of nothing is not 0). */
  result(): RegressionMetrics {
    if (this.n === 0) throw new Error(`${this.name}: no labelled elements to score (all masked or empty)`);
    const vx = this.m2x / this.n;
    const vy = this.m2y / this.n;
    const cov = this.cxy / this.n;
    const denom = vx + vy + (this.meanX - this.meanY) ** 2;
    // denom = 0 only when both sequences are the same constant: perfect agreement.
    const ccc = denom === 0 ? 1 : (2 * cov) / denom;
    const pcc = vx === 0 || vy === 0 ? 0 : cov / Math.sqrt(vx * vy);
    const mse = this.sse / this.n;
    return {
      ccc,
      pcc,
      mse,
      rmse: Math.sqrt(mse),
      n: this.n,
      meanPrediction: this.meanX,
      meanTarget: this.meanY,
      stdPrediction: Math.sqrt(vx),
      stdTarget: Math.sqrt(vy),
    };
  }
}

/** CCC, PCC, MSE and RMSE of one sequence pair, with ABAW masking. */
export function regressionMetrics(
  prediction: ArrayLike<number>,
  target: ArrayLike<number>,
  options?: MaskOptions,
): RegressionMetrics {
  return new ConcordanceAccumulator().update(prediction, target, options).result();
}

/** Concordance correlation coefficient: 2ρσxσy / (σx² + σy² + (μx − μy)²), population σ. */
export function concordanceCorrelation(prediction: ArrayLike<number>, target: ArrayLike<number>, options?: MaskOptions): number {
  return regressionMetrics(prediction, target, options).ccc;
}

export function pearsonCorrelation(prediction: ArrayLike<number>, target: ArrayLike<number>, options?: MaskOptions): number {
  return regressionMetrics(prediction, target, options).pcc;
}

export function meanSquaredError(prediction: ArrayLike<number>, target: ArrayLike<number>, options?: MaskOptions): number {
  return regressionMetrics(prediction, target, options).mse;
}

export function rootMeanSquaredError(prediction: ArrayLike<number>, target: ArrayLike<number>, options?: MaskOptions): number {
  return regressionMetrics(prediction, target, options).rmse;
}
