/** The statistics {@link utteranceStatistics} can take of one descriptor over an utterance's frames. */
export type UtteranceStatistic = 'mean' | 'std' | 'p20' | 'p50' | 'p80' | 'range20-80' | 'slope';

/** Percentile q ∈ [0, 1] of sorted values, linearly interpolated (numpy's default). */
function percentile(sorted: Float64Array, q: number): number {
  const x = q * (sorted.length - 1);
  const i = Math.floor(x);
  return sorted[i] + (sorted[Math.min(i + 1, sorted.length - 1)] - sorted[i]) * (x - i);
}

/**
 * Statistics of each column of a descriptor sequence over the frames where it is defined: mean,
 * standard deviation (population), 20th/50th/80th percentiles and the 20–80 range, and the
 * least-squares slope over time (per second). A column with no valid frame gives 0 for each.
 * @param data [frames, dim] row-major
 * @param valid per column, [frames] 1 where the column is defined (null: every frame)
 * @returns names `<column>_<statistic>` and values, column by column
 */
export function utteranceStatistics(
  data: ArrayLike<number>,
  frames: number,
  columns: readonly string[],
  statistics: readonly UtteranceStatistic[],
  options: { timeStep: number; valid?: (column: number) => Uint8Array | null },
): { names: string[]; values: number[] } {
  const dim = columns.length;
  const names: string[] = [];
  const values: number[] = [];
  for (let d = 0; d < dim; d++) {
    const ok = options.valid?.(d) ?? null;
    const t: number[] = [];
    const v: number[] = [];
    for (let f = 0; f < frames; f++) {
      if (ok && !ok[f]) continue;
      t.push(f * options.timeStep);
      v.push(data[f * dim + d]);
    }
    const n = v.length;
    const mean = n ? v.reduce((a, b) => a + b, 0) / n : 0;
    const sorted = Float64Array.from(v).sort();
    for (const s of statistics) {
      names.push(`${columns[d]}_${s}`);
      if (n === 0) {
        values.push(0);
        continue;
      }
      if (s === 'mean') values.push(mean);
      else if (s === 'std') values.push(Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / n));
      else if (s === 'p20') values.push(percentile(sorted, 0.2));
      else if (s === 'p50') values.push(percentile(sorted, 0.5));
      else if (s === 'p80') values.push(percentile(sorted, 0.8));
      else if (s === 'range20-80') values.push(percentile(sorted, 0.8) - percentile(sorted, 0.2));
      else values.push(slope(t, v));
    }
  }
  return { names, values };
}

/** Least-squares slope of v over t (0 with fewer than 2 distinct times). */
function slope(t: readonly number[], v: readonly number[]): number {
  const n = t.length;
  if (n < 2) return 0;
  const mt = t.reduce((a, b) => a + b, 0) / n;
  const mv = v.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (t[i] - mt) * (v[i] - mv);
    sxx += (t[i] - mt) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}
