import * as tf from '@tensorflow/tfjs-core';
import { FrozenGraph, FrozenGraphRuntime } from './frozen-graph';
import { humanModelPath } from './graph-model-files';
import type { PixelFrame } from './pixel-frame';

/** A detected face in normalised image coordinates (0–1). */
export interface FaceBox {
  /** [x0, y0, x1, y1] */
  box: [number, number, number, number];
  score: number;
  /** Six keypoints (eyes, nose, mouth, ears) as [x, y]. */
  keypoints: [number, number][];
}

export interface FaceDetectorOptions {
  /** A BlazeFace-back graph model.json; default the one shipped in @vladmandic/human. */
  modelPath?: string;
  /** Minimum score. Default 0.5. */
  minScore?: number;
  /** NMS IoU threshold. Default 0.3. */
  iouThreshold?: number;
  /** Faces kept per frame. Default 5. */
  maxFaces?: number;
  /**
   * Letterbox the frame to a square before resizing to 256 (default true: the face keeps its aspect),
   * or stretch it to 256 × 256 as `@vladmandic/human`'s own pipeline does (`false`; what its
   * expression model's crops are made from, so `mer analyze` uses it).
   */
  letterbox?: boolean;
  /** Where the network runs ({@link FrozenGraphRuntime}); default `auto`. */
  runtime?: FrozenGraphRuntime;
}

/** Anchor centres of BlazeFace's 256×256 "back" model: 16×16 grid × 2, then 8×8 grid × 6. */
function blazeFaceAnchors(): Float32Array {
  const out: number[] = [];
  for (const [grid, perCell] of [[16, 2], [8, 6]] as const) {
    for (let y = 0; y < grid; y++) for (let x = 0; x < grid; x++) for (let a = 0; a < perCell; a++) out.push((x + 0.5) / grid, (y + 0.5) / grid);
  }
  return Float32Array.from(out);
}

/**
 * BlazeFace (back camera model, 256×256) face detector on mer's tfjs: letterboxes a frame to a square (or stretches it),
 * decodes the 896 anchors (centre = anchor + offset / 256, size = raw / 256), keeps faces above
 * `minScore` after non-max suppression.
 */
export class FaceDetector {
  private readonly anchors: tf.Tensor2D;
  private constructor(
    private readonly model: FrozenGraph,
    readonly options: Required<Omit<FaceDetectorOptions, 'modelPath' | 'runtime'>>,
  ) {
    this.anchors = tf.tensor2d(blazeFaceAnchors(), [896, 2]);
  }

  static async load(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
    const letterbox = options.letterbox ?? true;
    // Stretched frames go in as bytes: resized to 256 and scaled to [−1, 1] inside the graph.
    const pixels = letterbox ? undefined : { height: 256, width: 256, divide: 127.5, subtract: 1 };
    const model = await FrozenGraph.load(options.modelPath ?? humanModelPath('blazeface'), { runtime: options.runtime, pixels });
    return new FaceDetector(model, { minScore: options.minScore ?? 0.5, iouThreshold: options.iouThreshold ?? 0.3, maxFaces: options.maxFaces ?? 5, letterbox });
  }

  /**
   * {@link FaceDetector.detect} on a frame's bytes (what the video reader gives): with `letterbox: false`
   * the frame never becomes a tensor on ONNX Runtime.
   */
  async detectPixels(frame: PixelFrame): Promise<FaceBox[]> {
    if (this.options.letterbox) {
      const t = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
      const faces = await this.detect(t);
      t.dispose();
      return faces;
    }
    return this.decode(await this.model.runPixels(frame), 1, 1);
  }

  /**
   * @param frame [H, W, 3] RGB, uint8 values (0–255; with `letterbox: false` they go in as bytes, so
   *   other values are rounded and clamped to 0–255)
   * @returns faces, best first, in the frame's normalised coordinates
   */
  async detect(frame: tf.Tensor3D): Promise<FaceBox[]> {
    const [h, w] = frame.shape;
    if (!this.options.letterbox) return this.detectPixels({ data: new Uint8Array(Uint8ClampedArray.from(await frame.data()).buffer), height: h, width: w });
    const side = Math.max(h, w);
    const input = tf.tidy(() => {
      // Letterbox to a square (keeps the face's aspect), resize to 256, scale to [−1, 1].
      const padded = tf.pad(tf.cast(frame, 'float32'), [[0, side - h], [0, side - w], [0, 0]]);
      return tf.sub(tf.div(tf.image.resizeBilinear(tf.expandDims(padded, 0) as tf.Tensor4D, [256, 256]), 127.5), 1);
    });
    const outs = await this.model.run(input);
    input.dispose();
    // Undo the letterbox: coordinates are in the padded square (side × side).
    return this.decode(outs, side / w, side / h);
  }

  /** Faces from the network's outputs; (sx, sy) scale the square's coordinates to the frame's. */
  private async decode(outs: tf.Tensor[], sx: number, sy: number): Promise<FaceBox[]> {
    const { boxes, scores, keypoints } = tf.tidy(() => {
      const byShape = (rows: number, cols: number) => outs.find((o) => o.shape[1] === rows && o.shape[2] === cols) as tf.Tensor3D;
      const raw = tf.concat([tf.squeeze(byShape(512, 16), [0]), tf.squeeze(byShape(384, 16), [0])], 0); // [896, 16]
      const logits = tf.concat([tf.reshape(byShape(512, 1), [512]), tf.reshape(byShape(384, 1), [384])], 0); // [896]
      const centre = tf.add(tf.div(tf.slice(raw, [0, 0], [896, 2]), 256), this.anchors); // [896, 2] (x, y)
      const half = tf.div(tf.slice(raw, [0, 2], [896, 2]), 512);
      const xy0 = tf.sub(centre, half);
      const xy1 = tf.add(centre, half);
      // NMS wants [y0, x0, y1, x1].
      const yx = tf.concat([tf.reverse(xy0, 1), tf.reverse(xy1, 1)], 1);
      const kp = tf.add(tf.div(tf.reshape(tf.slice(raw, [0, 4], [896, 12]), [896, 6, 2]), 256), tf.expandDims(this.anchors, 1));
      return { boxes: yx as tf.Tensor2D, scores: tf.sigmoid(tf.clipByValue(logits, -100, 100)) as tf.Tensor1D, keypoints: kp };
    });
    tf.dispose(outs);
    const keep = await tf.image.nonMaxSuppressionAsync(boxes, scores, this.options.maxFaces, this.options.iouThreshold, this.options.minScore);
    const [b, s, k, idx] = await Promise.all([boxes.data(), scores.data(), keypoints.data(), keep.data()]);
    tf.dispose([boxes, scores, keypoints, keep]);
    return Array.from(idx).map((i) => ({
      box: [b[i * 4 + 1] * sx, b[i * 4] * sy, b[i * 4 + 3] * sx, b[i * 4 + 2] * sy] as [number, number, number, number],
      score: s[i],
      keypoints: Array.from({ length: 6 }, (_, j) => [k[i * 12 + j * 2] * sx, k[i * 12 + j * 2 + 1] * sy] as [number, number]),
    }));
  }

  /** The runtime the network runs on. */
  get runtime(): 'onnx' | 'tfjs' {
    return this.model.runtime;
  }

  dispose(): void {
    this.model.dispose();
    this.anchors.dispose();
  }
}
