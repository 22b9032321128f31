import { ConcordanceAccumulator, concordanceCorrelation, regressionMetrics, valenceArousalMetrics, ValenceArousalAccumulator } from './index';

// numpy/scikit-learn values. Produced by: /usr/bin/python3 tools/reference/metrics_reference.py
const PRED = [0.1, 0.4, -0.2, 0.8, 0.05, -0.6, 0.3, 0.9, -0.1, 0.2, 0.5, -0.4];
const TRUE = [0.0, 0.5, -5.0, 0.7, 0.1, -0.5, -5.0, 0.6, -0.3, 0.25, 0.45, -0.2];
const REF = { ccc: 0.939675495770351, pcc: 0.9547223574420128, mse: 0.021750000000000005, rmse: 0.14747881203752627, n: 10 };

describe('regression metrics', () => {
  it('match numpy/scikit-learn with −5 frames masked', () => {
    const r = regressionMetrics(PRED, TRUE);
    expect(r.n).toBe(REF.n);
    expect(r.ccc).toBeCloseTo(REF.ccc, 12);
    expect(r.pcc).toBeCloseTo(REF.pcc, 12);
    expect(r.mse).toBeCloseTo(REF.mse, 12);
    expect(r.rmse).toBeCloseTo(REF.rmse, 12);
  });

  it('hand-worked CCC: a shifted copy is penalised, a perfect copy scores 1, a negated one −1', () => {
    const x = [1, 2, 3, 4];
    expect(concordanceCorrelation(x, x)).toBeCloseTo(1, 12);
    expect(concordanceCorrelation(x.map((v) => -v), x, { maskValue: null })).toBeCloseTo(-1 * (2 * 1.25) / (2.5 + 25), 12);
    // shift by 1: cov = var = 1.25, (μx − μy)² = 1 → 2·1.25 / (1.25 + 1.25 + 1) = 0.714285…
    expect(concordanceCorrelation(x.map((v) => v + 1), x)).toBeCloseTo(2.5 / 3.5, 12);
  });

  it('streams: chunked updates and merged accumulators equal one pass', () => {
    const whole = regressionMetrics(PRED, TRUE);
    const chunked = new ConcordanceAccumulator();
    for (let i = 0; i < PRED.length; i += 5) chunked.update(PRED.slice(i, i + 5), TRUE.slice(i, i + 5));
    const a = new ConcordanceAccumulator().update(PRED.slice(0, 7), TRUE.slice(0, 7));
    const b = new ConcordanceAccumulator().update(PRED.slice(7), TRUE.slice(7));
    for (const r of [chunked.result(), a.merge(b).result()]) {
      expect(r.n).toBe(whole.n);
      expect(r.ccc).toBeCloseTo(whole.ccc, 12);
      expect(r.mse).toBeCloseTo(whole.mse, 12);
    }
  });

  it('stays accurate over a million frames far from zero (no catastrophic cancellation)', () => {
    const acc = new ConcordanceAccumulator();
    const n = 1_000_000;
    const chunk = 10_000;
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    for (let c = 0; c < n / chunk; c++) {
      const y = Float64Array.from({ length: chunk }, () => 1000 + rand());
      const x = y.map((v) => v + 0.01 * rand());
      acc.update(x, y);
    }
    const r = acc.result();
    expect(r.n).toBe(n);
    // Var(y) = 1/12, noise var = 1e-4/12 → CCC ≈ 1/(1 + 0.5·1e-4/(1/12)·12/12) ≈ 0.99995.
    expect(r.ccc).toBeGreaterThan(0.9999);
    expect(r.ccc).toBeLessThanOrEqual(1);
  });

  it('errors name the problem: NaN prediction, length mismatch, nothing labelled', () => {
    expect(() => regressionMetrics([0.1, NaN], [0.2, 0.3])).toThrow(/prediction NaN at element 1 \(target 0.3\) is not a finite number/);
    expect(() => regressionMetrics([0.1], [0.2, 0.3])).toThrow(/1 predictions but 2 targets/);
    expect(() => regressionMetrics([0.1, 0.2], [-5, -5])).toThrow(/no labelled elements/);
    // A NaN prediction on an unlabelled frame is irrelevant and allowed.
    expect(regressionMetrics([NaN, 0.2, 0.4], [-5, 0.1, 0.5]).n).toBe(2);
  });

  it('explicit masks and NaN targets are skipped', () => {
    const r = regressionMetrics([1, 2, 3, 100], [1, 2, NaN, 0], { mask: [1, 1, 1, 0] });
    expect(r.n).toBe(2);
    expect(r.ccc).toBeCloseTo(1, 12);
  });
});

describe('valence-arousal (ABAW) scoring', () => {
  it('pools all videos’ frames before computing CCC (not a per-video average)', () => {
    const v1 = { prediction: { valence: [0.1, 0.2], arousal: [0.3, 0.1] }, target: { valence: [0.0, 0.3], arousal: [0.2, 0.2] } };
    const v2 = { prediction: { valence: [0.6, 0.7, 0.5], arousal: [-0.2, 0.0, -5] }, target: { valence: [0.5, 0.8, 0.6], arousal: [-0.1, 0.1, -5] } };
    const pooled = valenceArousalMetrics([v1, v2]);
    const concat = (k: 'valence' | 'arousal', w: 'prediction' | 'target') => [...v1[w][k], ...v2[w][k]];
    expect(pooled.valence.ccc).toBeCloseTo(concordanceCorrelation(concat('valence', 'prediction'), concat('valence', 'target')), 12);
    expect(pooled.arousal.ccc).toBeCloseTo(concordanceCorrelation(concat('arousal', 'prediction'), concat('arousal', 'target')), 12);
    expect(pooled.ccc).toBeCloseTo((pooled.valence.ccc + pooled.arousal.ccc) / 2, 12);
    expect(pooled.arousal.n).toBe(4);
    const perVideo = (concordanceCorrelation(v1.prediction.valence, v1.target.valence) + concordanceCorrelation(v2.prediction.valence, v2.target.valence)) / 2;
    expect(Math.abs(perVideo - pooled.valence.ccc)).toBeGreaterThan(0.01);
    const acc = new ValenceArousalAccumulator().update(v1.prediction, v1.target).merge(new ValenceArousalAccumulator().update(v2.prediction, v2.target));
    expect(acc.result().ccc).toBeCloseTo(pooled.ccc, 12);
  });
});
