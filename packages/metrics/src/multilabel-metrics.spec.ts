import { MultiLabelAccumulator } from './multilabel-metrics';

describe('MultiLabelAccumulator: per-label accuracy, F1 and weighted accuracy (CMU-MOSEI)', () => {
  it('matches counts worked by hand, streamed in two updates', () => {
    // 6 rows × 2 labels. Predictions are probabilities (> 0.5 positive), targets intensities (> 0 present).
    const predictions = [0.9, 0.2, 0.8, 0.6, 0.1, 0.7, 0.3, 0.1, 0.6, 0.4, 0.2, 0.9];
    const targets = [1.0, 0, 0.33, 0, 0, 2, 0.66, 0, 0, 0, 0, 1];
    // label A: p = [1,1,0,0,1,0], y = [1,1,0,1,0,0] → TP 2, FP 1, TN 2, FN 1
    // label B: p = [0,1,1,0,0,1], y = [0,0,1,0,0,1] → TP 2, FP 1, TN 3, FN 0
    const acc = new MultiLabelAccumulator(2, ['A', 'B']);
    acc.update(predictions.slice(0, 6), targets.slice(0, 6)).update(predictions.slice(6), targets.slice(6));
    const r = acc.result();
    expect(r.n).toBe(6);
    const [a, b] = r.perLabel;
    expect(a).toEqual({ accuracy: 4 / 6, f1: 4 / 6, weightedAccuracy: ((2 * 3) / 3 + 2) / (2 * 3), positives: 3, negatives: 3 });
    expect(b.accuracy).toBeCloseTo(5 / 6, 12);
    expect(b.f1).toBeCloseTo(4 / 5, 12);
    // WA = (TP·N/P + TN) / 2N with P = 2, N = 4: (2·4/2 + 3) / 8
    expect(b.weightedAccuracy).toBeCloseTo(7 / 8, 12);
    expect(r.meanF1).toBeCloseTo((4 / 6 + 4 / 5) / 2, 12);
    expect(r.meanWeightedAccuracy).toBeCloseTo((a.weightedAccuracy + 7 / 8) / 2, 12);
  });

  it('NaN and shape mismatches are errors naming where', () => {
    expect(() => new MultiLabelAccumulator(2, ['A', 'B']).update([0.1, NaN], [0, 1])).toThrow(/NaN at row 0, label B/);
    expect(() => new MultiLabelAccumulator(2).update([0.1, 0.2, 0.3], [0, 1, 1])).toThrow(/must both be N × 2/);
  });
});
