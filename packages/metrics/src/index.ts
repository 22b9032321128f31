export {
  ABAW_UNLABELLED,
  ConcordanceAccumulator,
  regressionMetrics,
  concordanceCorrelation,
  pearsonCorrelation,
  meanSquaredError,
  rootMeanSquaredError,
} from './regression-metrics';
export type { MaskOptions, RegressionMetrics } from './regression-metrics';
export { ValenceArousalAccumulator, valenceArousalMetrics } from './valence-arousal-metrics';
export type { ValenceArousal, ValenceArousalMetrics } from './valence-arousal-metrics';
export {
  ConfusionMatrixAccumulator,
  classificationMetrics,
  accuracy,
  f1Score,
  unweightedAverageRecall,
  confusionMatrix,
} from './classification-metrics';
export type { ClassMetrics, ClassificationMetrics } from './classification-metrics';
export { MultiLabelAccumulator } from './multilabel-metrics';
export type { BinaryLabelMetrics, MultiLabelMetrics, MultiLabelOptions } from './multilabel-metrics';
export { labelMask, concordanceCorrelationTensor, pearsonCorrelationTensor, cccLoss, maskedMse } from './ccc-loss';
