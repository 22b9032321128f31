import * as tf from '@tensorflow/tfjs-core';
import type { DetectionGeometry, FaceBox } from '../face-detector';
import { FrozenGraph, FrozenGraphRuntime } from '../frozen-graph';
import { humanModelPath } from '../graph-model-files';
import type { PixelFrame } from '../pixel-frame';
import { alignedCrops, CropOptions } from './aligned-crops';

/** The shipped expression model's classes, in its output order (`@vladmandic/human`'s emotion model). */
export const EXPRESSION_CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type Expression = (typeof EXPRESSION_CLASSES)[number];

/**
 * How the expression model's crops are cut, after human's own pipeline: the BlazeFace box enlarged
 * 1.4×, squared on the pixel grid, cut at 256 (human's detector size) from the frame as decoded —
 * upright, at its displayed size — then resized to 64. `reference` is human's exactly: its faces are
 * detected on the frame stretched to 256 × 256 ({@link EXPRESSION_DETECTION}) and turned upright by the
 * nose–mouth line when it tilts more than 0.2 rad. `eyes` (mer's default) detects at the frame's own
 * aspect and levels the eye line, always: the nose–mouth line is short and its angle noisy (0.2–0.4 rad
 * on frames whose eyes are within 0.1 rad of level in the real talking clip), so human turns upright
 * faces by up to ~20°.
 */
export const EXPRESSION_CROPS = {
  eyes: { scale: 1.4, via: 256, minAngle: 0, upright: 'eyes' },
  reference: { scale: 1.4, via: 256, minAngle: 0.2, upright: 'nose-mouth' },
} as const satisfies Record<string, CropOptions>;
export type ExpressionCropMode = keyof typeof EXPRESSION_CROPS;

/**
 * How each crop mode's faces are found: `eyes` at the frame's own aspect, letterboxed and tiled where
 * needed; `reference` on the frame stretched to 256 × 256, as human's `detect()` (whose results it
 * reproduces; a frame far from square squashes the face there, and small faces are missed).
 */
export const EXPRESSION_DETECTION: Record<ExpressionCropMode, DetectionGeometry> = { eyes: 'letterbox', reference: 'stretch' };

/** The graph node whose output, averaged over space, is the appearance vector {@link ExpressionClassifier.run} returns. */
const FEATURE_NODE = 'StatefulPartitionedCall/model_1/add_2/add';

/**
 * The pretrained facial-expression classifier that ships inside `@vladmandic/human` (MIT; 64×64
 * grayscale CNN, 7 classes), with human's own preprocessing: the crop of {@link EXPRESSION_CROPS},
 * RGB in [0, 1] → luma (0.2989, 0.587, 0.114) → (g − 0.5) · 2.
 */
export class ExpressionClassifier {
  readonly inputSize = 64;
  readonly classes = EXPRESSION_CLASSES;

  private constructor(private readonly model: FrozenGraph) {}

  /**
   * @param options.runtime where the network runs ({@link FrozenGraphRuntime}); default `auto`
   * @param options.model human's `emotion` graph already in memory (e.g. fetched by a browser page); default read from @vladmandic/human
   */
  static async load(options: { runtime?: FrozenGraphRuntime; model?: tf.io.ModelArtifacts } = {}): Promise<ExpressionClassifier> {
    const graph = { alsoOutputs: [FEATURE_NODE], pooled: [FEATURE_NODE], runtime: options.runtime };
    const model = options.model ? await FrozenGraph.fromArtifacts('emotion.json', options.model, graph) : await FrozenGraph.load(humanModelPath('emotion'), graph);
    const probe = tf.zeros([1, 64, 64, 1]);
    const outs = await model.run(probe);
    const k = outs[0].shape[1];
    tf.dispose([probe, ...outs]);
    if (k !== EXPRESSION_CLASSES.length) throw new Error(`the shipped expression model has ${k} outputs, expected ${EXPRESSION_CLASSES.length}`);
    return new ExpressionClassifier(model);
  }

  /**
   * The faces of one frame cut for the model ({@link EXPRESSION_CROPS}).
   * @param frame [H, W, 3] RGB 0–255, a tensor or the decoded bytes
   * @returns [faces, 64, 64, 3] RGB 0–255
   */
  crops(frame: tf.Tensor3D | PixelFrame, faces: readonly Pick<FaceBox, 'box' | 'keypoints'>[], mode: ExpressionCropMode = 'eyes'): tf.Tensor4D {
    return alignedCrops(frame, faces, this.inputSize, EXPRESSION_CROPS[mode]);
  }

  private input(crops: tf.Tensor4D): tf.Tensor4D {
    const rgb = tf.div(tf.cast(crops, 'float32'), 255);
    const gray = tf.sum(tf.mul(rgb, tf.tensor1d([0.2989, 0.587, 0.114])), -1, true);
    return tf.mul(tf.sub(gray, 0.5), 2) as tf.Tensor4D;
  }

  /**
   * @param crops [N, 64, 64, 3] RGB face crops, 0–255
   * @returns [N, 7] class probabilities
   */
  async classify(crops: tf.Tensor4D): Promise<tf.Tensor2D> {
    const { probabilities, features } = await this.run(crops);
    features.dispose();
    return probabilities;
  }

  /**
   * Probabilities and, from the same pass, the network's last feature map averaged over space: an
   * appearance vector (used to tell tracked faces apart; it is an expression network's, not an identity model's).
   * @param crops [N, 64, 64, 3] RGB 0–255
   * @returns probabilities [N, 7], features [N, D]
   */
  async run(crops: tf.Tensor4D): Promise<{ probabilities: tf.Tensor2D; features: tf.Tensor2D }> {
    const input = tf.tidy(() => this.input(crops));
    const [p, f] = await this.model.run(input);
    input.dispose();
    return { probabilities: p as tf.Tensor2D, features: f as tf.Tensor2D };
  }

  /** The runtime the network runs on. */
  get runtime(): 'onnx' | 'tfjs' {
    return this.model.runtime;
  }

  dispose(): void {
    this.model.dispose();
  }
}
