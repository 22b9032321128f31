export { PolarVaHead } from './polar-va-head';
export type { PolarVaHeadArgs, PolarVaOutput } from './polar-va-head';
export { VaRegressionHead } from './va-regression-head';
export type { VaRegressionHeadArgs, VaOutput } from './va-regression-head';
export { ClassificationHead } from './classification-head';
export type { ClassificationHeadArgs, ClassificationOutput } from './classification-head';
export { vaMseLoss, crossEntropyLoss, binaryCrossEntropyLoss, cccLoss, labelMask, maskedMse } from './losses';
