export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true instances of the class. */
  support: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  /** Mean F1 over the classes that occur in the targets or the predictions (scikit-learn's default). */
  macroF1: number;
  /** F1 averaged with weights = support. */
  weightedF1: number;
  /** Unweighted average recall over the classes present in the targets (balanced accuracy). */
  uar: number;
  /** matrix[trueClass][predictedClass] counts. */
  confusionMatrix: number[][];
  perClass: ClassMetrics[];
  labels?: readonly string[];
  n: number;
}

function checkLabel(v: number, numClasses: number, what: string, index: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
    throw new Error(`${what} ${v} at element ${index} is not a class index in [0, ${numClasses})`);
  }
}

/**
 * Streaming confusion matrix over `numClasses` classes, with every single-label classification
 * metric derived from it (O(K²) memory whatever the number of samples). Precision/recall/F1 of a
 * class with no predictions or no instances count as 0, as scikit-learn's `zero_division=0`.
 */
export class ConfusionMatrixAccumulator {
  private readonly matrix: number[][];
  private seen = 0;

  constructor(
    readonly numClasses: number,
    readonly labels?: readonly string[],
  ) {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
    if (labels !== undefined && labels.length !== numClasses) {
      throw new Error(`${labels.length} labels given for ${numClasses} classes`);
    }
    this.matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  }

  /** Adds true and predicted class indices. */
  update(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): this {
    if (yTrue.length !== yPred.length) throw new Error(`${yTrue.length} targets but ${yPred.length} predictions`);
    for (let i = 0; i < yTrue.length; i++) {
      checkLabel(yTrue[i], this.numClasses, 'target', this.seen + i);
      checkLabel(yPred[i], this.numClasses, 'prediction', this.seen + i);
      this.matrix[yTrue[i]][yPred[i]] += 1;
    }
    this.seen += yTrue.length;
    return this;
  }

  /** Adds the arg-max of each row of class scores. @param scores [N, K] row-major */
  updateFromScores(yTrue: ArrayLike<number>, scores: ArrayLike<number>): this {
    const k = this.numClasses;
    if (scores.length !== yTrue.length * k) {
      throw new Error(`scores has ${scores.length} values; expected ${yTrue.length} rows × ${k} classes`);
    }
    const pred = new Int32Array(yTrue.length);
    for (let i = 0; i < yTrue.length; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (scores[i * k + c] > scores[i * k + best]) best = c;
      if (Number.isNaN(scores[i * k + best])) throw new Error(`scores row ${this.seen + i} contains NaN`);
      pred[i] = best;
    }
    return this.update(yTrue, pred);
  }

  result(): ClassificationMetrics {
    const k = this.numClasses;
    const m = this.matrix;
    const n = this.seen;
    if (n === 0) throw new Error('no samples to score');
    const perClass: ClassMetrics[] = [];
    let correct = 0;
    for (let c = 0; c < k; c++) {
      const tp = m[c][c];
      correct += tp;
      let support = 0;
      let predicted = 0;
      for (let j = 0; j < k; j++) {
        support += m[c][j];
        predicted += m[j][c];
      }
      const precision = predicted === 0 ? 0 : tp / predicted;
      const recall = support === 0 ? 0 : tp / support;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      perClass.push({ precision, recall, f1, support });
    }
    const present = perClass.map((p, c) => p.support > 0 || m.some((row) => row[c] > 0));
    const occurring = perClass.filter((_, c) => present[c]);
    const withSupport = perClass.filter((p) => p.support > 0);
    return {
      accuracy: correct / n,
      macroF1: occurring.reduce((s, p) => s + p.f1, 0) / occurring.length,
      weightedF1: perClass.reduce((s, p) => s + p.f1 * p.support, 0) / n,
      uar: withSupport.reduce((s, p) => s + p.recall, 0) / withSupport.length,
      confusionMatrix: m.map((row) => [...row]),
      perClass,
      labels: this.labels,
      n,
    };
  }
}

/** All single-label metrics for class-index arrays. `numClasses` defaults to max label + 1. */
export function classificationMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses?: number,
  labels?: readonly string[],
): ClassificationMetrics {
  let k = numClasses ?? labels?.length;
  if (k === undefined) {
    k = 0;
    for (let i = 0; i < yTrue.length; i++) k = Math.max(k, yTrue[i] + 1, yPred[i] + 1);
  }
  return new ConfusionMatrixAccumulator(k, labels).update(yTrue, yPred).result();
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return classificationMetrics(yTrue, yPred).accuracy;
}

export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, average: 'macro' | 'weighted' = 'macro'): number {
  const r = classificationMetrics(yTrue, yPred);
  return average === 'macro' ? r.macroF1 : r.weightedF1;
}

export function unweightedAverageRecall(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return classificationMetrics(yTrue, yPred).uar;
}

export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses?: number): number[][] {
  return classificationMetrics(yTrue, yPred, numClasses).confusionMatrix;
}
