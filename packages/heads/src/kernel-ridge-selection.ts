import * as tf from '@tensorflow/tfjs-core';
import { classificationMetrics } from '@mer/metrics';
import { scaleGamma } from './kernel-ridge-classifier';
import { balancedWeights, kernelRidgeDual } from './kernel-ridge-dual';
import { rbfKernel } from './rbf-kernel';

/** The hyper-parameters tried: γ as multiples of `gamma='scale'` (1 / (D · Var X)), and ridge λ. */
export interface KernelRidgeGrid {
  gammaScales: readonly number[];
  lambdas: readonly number[];
}

/** A small grid around scikit-learn's `gamma='scale'` and unit ridge (15 settings). */
export const DEFAULT_KERNEL_GRID: KernelRidgeGrid = { gammaScales: [0.5, 1, 2], lambdas: [0.03, 0.1, 0.3, 1, 3] };

/** Training rows with their speakers (or any grouping): the groups the inner folds leave out. */
export interface GroupedRows {
  /** [N, D] row-major. */
  x: Float32Array;
  dim: number;
  /** [N] class indices in [0, numClasses). */
  labels: ArrayLike<number>;
  /** [N] group (speaker) of each row. */
  groups: readonly string[];
  numClasses: number;
}

export interface KernelRidgeScore {
  gammaScale: number;
  gamma: number;
  lambda: number;
  /** Mean UAR over the inner folds (one left-out group each). */
  score: number;
  /** UAR of each left-out group, in `groups` order. */
  perGroup: number[];
}

export interface KernelRidgeSelection {
  /** The chosen setting: the best mean inner UAR (ties: the first in grid order). */
  best: KernelRidgeScore;
  /** Every setting tried. */
  scores: KernelRidgeScore[];
  /** The inner folds' groups. */
  groups: string[];
  /** Says what selected, for logs and reports. */
  selectedBy: string;
}

/**
 * Chooses γ and λ of a {@link KernelRidgeClassifier} by leave-one-group-out over the rows given —
 * pass only training speakers, so that no held-out speaker takes part in the choice. Each grid γ's
 * Gram matrix is computed once on the tensor backend; each inner fold solves its sub-system in
 * float64 and is scored by UAR on the group it left out.
 */
export async function selectKernelRidge(rows: GroupedRows, options: { grid?: KernelRidgeGrid; classBalance?: boolean } = {}): Promise<KernelRidgeSelection> {
  const { x, dim, labels, groups, numClasses } = rows;
  const n = labels.length;
  if (x.length !== n * dim || groups.length !== n) throw new Error(`selectKernelRidge: ${x.length} values, ${n} labels and ${groups.length} groups do not describe the same [N, ${dim}] rows`);
  const grid = options.grid ?? DEFAULT_KERNEL_GRID;
  const names = [...new Set(groups)].sort();
  if (names.length < 2) throw new Error(`selectKernelRidge: leave-one-group-out needs at least 2 groups, got ${names.length} (${names.join(', ')})`);
  const folds = names.map((g) => ({ test: indices(groups, (h) => h === g), train: indices(groups, (h) => h !== g) }));
  const base = scaleGamma(x, dim);
  const scores: KernelRidgeScore[] = [];
  const xt = tf.tensor2d(x, [n, dim]);
  try {
    for (const gammaScale of grid.gammaScales) {
      const gamma = gammaScale * base;
      const k = rbfKernel(xt, xt, gamma);
      const kernel = Float64Array.from(await k.data()); // [N, N]
      k.dispose();
      const perLambda = grid.lambdas.map(() => [] as number[]);
      for (const { train, test } of folds) {
        const sub = submatrix(kernel, n, train, train);
        const cross = submatrix(kernel, n, test, train); // [T, N_train]
        const trainLabels = train.map((i) => labels[i]);
        const weights = options.classBalance === false ? null : balancedWeights(trainLabels, numClasses);
        grid.lambdas.forEach((lambda, li) => {
          const alpha = kernelRidgeDual(sub, trainLabels, numClasses, lambda, weights);
          const predicted = argmaxRows(matMul(cross, test.length, train.length, alpha, numClasses), numClasses);
          perLambda[li].push(classificationMetrics(test.map((i) => labels[i]), predicted, numClasses).uar);
        });
      }
      grid.lambdas.forEach((lambda, li) => scores.push({ gammaScale, gamma, lambda, score: perLambda[li].reduce((a, b) => a + b, 0) / folds.length, perGroup: perLambda[li] }));
    }
  } finally {
    xt.dispose();
  }
  const best = scores.reduce((a, b) => (b.score > a.score ? b : a));
  return { best, scores, groups: names, selectedBy: `mean UAR of leave-one-group-out over the ${names.length} groups given (${names.join(', ')}), grid γ × scale ∈ {${grid.gammaScales.join(', ')}}, λ ∈ {${grid.lambdas.join(', ')}}` };
}

function indices(groups: readonly string[], keep: (g: string) => boolean): number[] {
  const out: number[] = [];
  groups.forEach((g, i) => keep(g) && out.push(i));
  return out;
}

/** Rows `r` and columns `c` of an [n, n] matrix: [r.length, c.length]. */
function submatrix(m: Float64Array, n: number, r: readonly number[], c: readonly number[]): Float64Array {
  const out = new Float64Array(r.length * c.length);
  r.forEach((i, a) => c.forEach((j, b) => (out[a * c.length + b] = m[i * n + j])));
  return out;
}

/** [p, q] · [q, s] → [p, s], row-major. */
function matMul(a: Float64Array, p: number, q: number, b: Float64Array, s: number): Float64Array {
  const out = new Float64Array(p * s);
  for (let i = 0; i < p; i++) for (let k = 0; k < q; k++) for (let j = 0; j < s; j++) out[i * s + j] += a[i * q + k] * b[k * s + j];
  return out;
}

function argmaxRows(m: Float64Array, width: number): number[] {
  return Array.from({ length: m.length / width }, (_, i) => {
    let best = 0;
    for (let j = 1; j < width; j++) if (m[i * width + j] > m[i * width + best]) best = j;
    return best;
  });
}
