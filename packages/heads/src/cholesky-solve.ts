/**
 * Solves A X = B for a symmetric positive-definite A in float64 by Cholesky (A = L Lᵀ), then two
 * triangular solves. Small dense systems (N up to a few thousand: N³/3 multiply-adds).
 * @param a [n, n] row-major; only its lower triangle is read; not modified
 * @param b [n, k] row-major right-hand sides; not modified
 * @returns X [n, k] row-major
 */
export function choleskySolve(a: Float64Array, n: number, b: Float64Array, k: number): Float64Array {
  if (a.length !== n * n) throw new Error(`choleskySolve: A has ${a.length} values, expected ${n}×${n}`);
  if (b.length !== n * k) throw new Error(`choleskySolve: B has ${b.length} values, expected ${n}×${k}`);
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const li = i * n;
    for (let j = 0; j <= i; j++) {
      const lj = j * n;
      let s = a[li + j];
      for (let p = 0; p < j; p++) s -= l[li + p] * l[lj + p];
      if (i === j) {
        if (!(s > 0)) throw new Error(`choleskySolve: the matrix is not positive definite (pivot ${i} of ${n} is ${s}); raise the ridge λ`);
        l[li + i] = Math.sqrt(s);
      } else {
        l[li + j] = s / l[lj + j];
      }
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    // L y = b (forward), then Lᵀ x = y (backward), column c in place.
    for (let i = 0; i < n; i++) {
      let s = x[i * k + c];
      for (let p = 0; p < i; p++) s -= l[i * n + p] * x[p * k + c];
      x[i * k + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * k + c];
      for (let p = i + 1; p < n; p++) s -= l[p * n + i] * x[p * k + c];
      x[i * k + c] = s / l[i * n + i];
    }
  }
  return x;
}
