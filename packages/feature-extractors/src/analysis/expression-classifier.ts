import type * as tfc from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { humanModelPath, loadGraphModelFromFile } from '../graph-model-files';

/** The shipped expression model's classes, in its output order (`@vladmandic/human`'s emotion model). */
export const EXPRESSION_CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type Expression = (typeof EXPRESSION_CLASSES)[number];

/**
 * The pretrained facial-expression classifier that ships inside `@vladmandic/human` (MIT; 64×64
 * grayscale CNN, 7 classes), with human's own preprocessing: RGB in [0, 1] → luma (0.2989, 0.587,
 * 0.114) → (g − 0.5) · 2.
 */
export class ExpressionClassifier {
  readonly inputSize = 64;
  readonly classes = EXPRESSION_CLASSES;

  private constructor(private readonly model: tfc.GraphModel) {}

  static async load(): Promise<ExpressionClassifier> {
    const model = await loadGraphModelFromFile(humanModelPath('emotion'));
    const k = tf.tidy(() => (model.execute(tf.zeros([1, 64, 64, 1])) as tf.Tensor).shape[1]);
    if (k !== EXPRESSION_CLASSES.length) throw new Error(`the shipped expression model has ${k} outputs, expected ${EXPRESSION_CLASSES.length}`);
    return new ExpressionClassifier(model);
  }

  /**
   * @param crops [N, 64, 64, 3] RGB face crops, 0–255
   * @returns [N, 7] class probabilities
   */
  classify(crops: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const rgb = tf.div(tf.cast(crops, 'float32'), 255);
      const gray = tf.sum(tf.mul(rgb, tf.tensor1d([0.2989, 0.587, 0.114])), -1, true);
      return this.model.execute(tf.mul(tf.sub(gray, 0.5), 2)) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}
