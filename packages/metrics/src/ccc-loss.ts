import * as tf from '@tensorflow/tfjs-core';
import { ABAW_UNLABELLED } from './regression-metrics';

const EPS = 1e-8;

/**
 * 1 where every dimension of a frame is labelled (not `maskValue`, not NaN), else 0.
 * @param target [..., D]
 * @returns [...] float32
 */
export function labelMask(target: tf.Tensor, maskValue: number = ABAW_UNLABELLED): tf.Tensor {
  return tf.tidy(() => {
    const ok = tf.logicalAnd(tf.notEqual(target, maskValue), tf.logicalNot(tf.isNaN(target)));
    return tf.cast(tf.all(ok, -1), 'float32');
  });
}

interface Moments {
  meanX: tf.Tensor;
  meanY: tf.Tensor;
  varX: tf.Tensor;
  varY: tf.Tensor;
  cov: tf.Tensor;
}

/** Masked population moments per last-axis dimension, pooled over every leading axis. */
function pooledMoments(prediction: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor): Moments {
  if (!tf.util.arraysEqual(prediction.shape, target.shape)) {
    throw new Error(`prediction shape [${prediction.shape}] does not match target shape [${target.shape}]`);
  }
  const d = prediction.shape[prediction.rank - 1];
  const x = tf.reshape(prediction, [-1, d]); // [N, D]
  let y = tf.reshape(target, [-1, d]); // [N, D]
  let w: tf.Tensor;
  if (mask === undefined) {
    w = tf.ones([x.shape[0], 1]);
  } else {
    if (mask.size !== x.shape[0]) {
      throw new Error(`mask has ${mask.size} entries but prediction has ${x.shape[0]} frames of ${d} dims`);
    }
    w = tf.reshape(tf.cast(mask, 'float32'), [-1, 1]); // [N, 1]
    // Unlabelled targets (−5, NaN) must not reach the sums, even multiplied by 0 (NaN·0 = NaN).
    y = tf.where(tf.greater(tf.broadcastTo(w, y.shape), 0), y, tf.zerosLike(y));
  }
  const n = tf.maximum(tf.sum(w), 1); // frames counted (≥ 1 so an all-masked batch gives 0, not NaN)
  const meanX = tf.div(tf.sum(tf.mul(x, w), 0), n); // [D]
  const meanY = tf.div(tf.sum(tf.mul(y, w), 0), n);
  const dx = tf.sub(x, meanX);
  const dy = tf.sub(y, meanY);
  return {
    meanX,
    meanY,
    varX: tf.div(tf.sum(tf.mul(tf.square(dx), w), 0), n),
    varY: tf.div(tf.sum(tf.mul(tf.square(dy), w), 0), n),
    cov: tf.div(tf.sum(tf.mul(tf.mul(dx, dy), w), 0), n),
  };
}

/**
 * Differentiable CCC per output dimension, pooled over all frames of the batch (ABAW pooling).
 * @param prediction [..., D]
 * @param target [..., D]
 * @param mask [...] 1 = labelled, 0 = skip (see {@link labelMask})
 * @returns [D]
 */
export function concordanceCorrelationTensor(prediction: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const m = pooledMoments(prediction, target, mask);
    const denom = tf.add(tf.add(tf.add(m.varX, m.varY), tf.square(tf.sub(m.meanX, m.meanY))), EPS);
    return tf.div(tf.mul(2, m.cov), denom) as tf.Tensor1D;
  });
}

/** Differentiable Pearson correlation per dimension. Shapes as {@link concordanceCorrelationTensor}. */
export function pearsonCorrelationTensor(prediction: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const m = pooledMoments(prediction, target, mask);
    return tf.div(m.cov, tf.add(tf.sqrt(tf.mul(m.varX, m.varY)), EPS)) as tf.Tensor1D;
  });
}

/**
 * CCC loss `1 − mean_d CCC_d` (TCN-fusion's training loss; MAVEN's option).
 * @param prediction [..., D] @param target [..., D] @param mask [...]
 */
export function cccLoss(prediction: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sub(1, tf.mean(concordanceCorrelationTensor(prediction, target, mask))) as tf.Scalar);
}

/**
 * Mean squared error over labelled frames and all dimensions.
 * @param prediction [..., D] @param target [..., D] @param mask [...]
 */
export function maskedMse(prediction: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const w = mask === undefined ? tf.onesLike(prediction) : tf.expandDims(tf.cast(mask, 'float32'), -1); // [..., 1]
    const d = prediction.shape[prediction.rank - 1];
    const y = mask === undefined ? target : tf.where(tf.greater(tf.broadcastTo(w, target.shape), 0), target, prediction);
    const total = tf.sum(tf.mul(tf.square(tf.sub(prediction, y)), w));
    return tf.div(total, tf.maximum(tf.mul(tf.sum(w), mask === undefined ? 1 : d), 1)) as tf.Scalar;
  });
}
