import { classificationMetrics, ConfusionMatrixAccumulator, f1Score, MultiLabelAccumulator, unweightedAverageRecall } from './index';

// scikit-learn 1.2 values. Produced by: /usr/bin/python3 tools/reference/metrics_reference.py
const Y_TRUE = [0, 1, 2, 3, 1, 1, 0, 2, 2, 3, 0, 1, 2, 2, 3, 0, 1, 0, 2, 1];
const Y_PRED = [0, 1, 1, 3, 1, 2, 0, 2, 0, 3, 0, 1, 2, 1, 1, 0, 1, 3, 2, 1];
const SK = {
  accuracy: 0.7,
  macroF1: 0.6952380952380952,
  weightedF1: 0.6942857142857143,
  uar: 0.7,
  perClassF1: [0.8000000000000002, 0.7142857142857143, 0.6, 0.6666666666666666],
  confusion: [[4, 0, 0, 1], [0, 5, 1, 0], [1, 2, 3, 0], [0, 1, 0, 2]],
};
const SK_UNSEEN = { macroF1: 0.5416666666666666, weightedF1: 0.7222222222222222, uar: 0.6666666666666666 };
const SK_MULTILABEL = [
  { accuracy: 0.75, f1: 0.75, weightedAccuracy: 0.75 },
  { accuracy: 0.875, f1: 0.8, weightedAccuracy: 0.8333333333333334 },
  { accuracy: 0.75, f1: 0.5, weightedAccuracy: 0.6666666666666667 },
];

describe('classification metrics', () => {
  it('match scikit-learn: accuracy, macro/weighted F1, UAR, confusion matrix', () => {
    const r = classificationMetrics(Y_TRUE, Y_PRED, 4, ['neutral', 'happy', 'sad', 'angry']);
    expect(r.accuracy).toBeCloseTo(SK.accuracy, 12);
    expect(r.macroF1).toBeCloseTo(SK.macroF1, 12);
    expect(r.weightedF1).toBeCloseTo(SK.weightedF1, 12);
    expect(r.uar).toBeCloseTo(SK.uar, 12);
    r.perClass.forEach((c, i) => expect(c.f1).toBeCloseTo(SK.perClassF1[i], 12));
    expect(r.confusionMatrix).toEqual(SK.confusion);
    expect(r.labels).toEqual(['neutral', 'happy', 'sad', 'angry']);
  });

  it('follows scikit-learn when a class is only predicted, never true', () => {
    const yTrue = [0, 0, 1, 1, 2, 2];
    const yPred = [0, 4, 1, 1, 2, 0];
    expect(f1Score(yTrue, yPred, 'macro')).toBeCloseTo(SK_UNSEEN.macroF1, 12);
    expect(f1Score(yTrue, yPred, 'weighted')).toBeCloseTo(SK_UNSEEN.weightedF1, 12);
    expect(unweightedAverageRecall(yTrue, yPred)).toBeCloseTo(SK_UNSEEN.uar, 12);
    // With 8 declared classes (RAVDESS), absent classes 5–7 change nothing.
    expect(classificationMetrics(yTrue, yPred, 8).macroF1).toBeCloseTo(SK_UNSEEN.macroF1, 12);
  });

  it('streams and scores from class scores by arg-max', () => {
    const acc = new ConfusionMatrixAccumulator(4);
    acc.update(Y_TRUE.slice(0, 9), Y_PRED.slice(0, 9));
    const scores = Y_PRED.slice(9).flatMap((p) => [0, 1, 2, 3].map((c) => (c === p ? 0.9 : 0.05)));
    acc.updateFromScores(Y_TRUE.slice(9), scores);
    expect(acc.result().confusionMatrix).toEqual(SK.confusion);
  });

  it('refuses labels outside the class range, naming the element', () => {
    expect(() => new ConfusionMatrixAccumulator(3).update([0, 1, 3], [0, 1, 2])).toThrow(/target 3 at element 2 is not a class index in \[0, 3\)/);
    expect(() => new ConfusionMatrixAccumulator(3).updateFromScores([0], [NaN, NaN, NaN])).toThrow(/NaN/);
    expect(() => new ConfusionMatrixAccumulator(3).result()).toThrow(/no samples/);
  });
});

describe('multi-label (CMU-MOSEI) metrics', () => {
  it('per-emotion accuracy, F1 and weighted accuracy match scikit-learn and the formula', () => {
    const scores = [[0.0, 1.3, 0.0], [2.0, 0.0, 0.3], [0.6, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.6, 0.0], [0.0, 0.3, 0.0], [0.0, 0.0, 0.0], [3.0, 0.0, 0.6]];
    const probs = [[0.2, 0.7, 0.1], [0.9, 0.4, 0.2], [0.3, 0.1, 0.2], [0.1, 0.2, 0.8], [0.6, 0.6, 0.1], [0.1, 0.3, 0.3], [0.7, 0.1, 0.1], [0.8, 0.2, 0.4]];
    const acc = new MultiLabelAccumulator(3, ['happy', 'sad', 'anger']);
    acc.update(probs.slice(0, 3).flat(), scores.slice(0, 3).flat());
    acc.update(probs.slice(3).flat(), scores.slice(3).flat());
    const r = acc.result();
    expect(r.n).toBe(8);
    r.perLabel.forEach((m, k) => {
      expect(m.accuracy).toBeCloseTo(SK_MULTILABEL[k].accuracy, 12);
      expect(m.f1).toBeCloseTo(SK_MULTILABEL[k].f1, 12);
      expect(m.weightedAccuracy).toBeCloseTo(SK_MULTILABEL[k].weightedAccuracy, 12);
    });
    expect(() => acc.update([0.1, NaN, 0.2], [0, 0, 0])).toThrow(/NaN at row 8, label sad/);
  });
});
