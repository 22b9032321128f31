import { choleskySolve } from './cholesky-solve';

/**
 * scikit-learn's 'balanced' class weights of training labels: N / (C · n_c) for the C classes present,
 * so each present class weighs as much in total. @returns [N] per-item weights
 */
export function balancedWeights(labels: ArrayLike<number>, numClasses: number): Float64Array {
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const present = counts.filter((c) => c > 0).length;
  return Float64Array.from(labels as ArrayLike<number>, (c) => labels.length / (present * counts[c]));
}

/**
 * The dual coefficients of weighted kernel ridge regression onto one-vs-rest targets (+1 for the
 * item's class, −1 for the others): minimising Σᵢ wᵢ ‖yᵢ − f(xᵢ)‖² + λ ‖f‖²_H gives
 * f(x) = Σᵢ k(x, xᵢ) αᵢ with (K + λ W⁻¹) α = Y (scikit-learn's `KernelRidge` with `sample_weight`).
 * @param kernel [N, N] row-major Gram matrix of the training rows
 * @param labels [N] class indices in [0, numClasses)
 * @param weights [N] per-item weights (e.g. {@link balancedWeights}), or null for 1
 * @returns α [N, numClasses] row-major
 */
export function kernelRidgeDual(kernel: Float64Array, labels: ArrayLike<number>, numClasses: number, lambda: number, weights: Float64Array | null): Float64Array {
  const n = labels.length;
  if (kernel.length !== n * n) throw new Error(`kernelRidgeDual: the kernel has ${kernel.length} values for ${n} labels (expected ${n}×${n})`);
  if (!(lambda > 0)) throw new Error(`kernelRidgeDual: lambda must be > 0, got ${lambda}`);
  const a = Float64Array.from(kernel);
  for (let i = 0; i < n; i++) a[i * n + i] += lambda / (weights ? weights[i] : 1);
  const y = new Float64Array(n * numClasses).fill(-1);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new Error(`kernelRidgeDual: label ${c} of item ${i} is not a class index in [0, ${numClasses})`);
    y[i * numClasses + c] = 1;
  }
  return choleskySolve(a, n, y, numClasses);
}
