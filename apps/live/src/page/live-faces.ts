/// <reference lib="dom" />
import * as tf from '@tensorflow/tfjs-core';
import { CategoryVaTable, EXPRESSION_CLASSES, EXPRESSION_DETECTION, expressionVa, FaceBox, FaceFollower, PixelFrame, RUSSELL_MEHRABIAN_1977 } from '@mer/feature-extractors';
import type { LiveModels } from './live-models';

/** The followed face on one frame: its box, the 7 probabilities and the valence/arousal they imply. */
export interface LiveFace {
  face: FaceBox;
  /** [7] in {@link EXPRESSION_CLASSES} order. */
  probabilities: number[];
  /** [valence, arousal] from the category table. */
  va: [number, number];
}

export interface LiveFacesOptions {
  /**
   * Run the detector when its last run is this many ms old and follow the face in between (every frame
   * is classified). Default 150 ms: `mer analyze`'s every-5th-frame at 30 fps, whatever fps the page reaches.
   */
  detectMs?: number;
  /** Category → valence/arousal; default Russell & Mehrabian (1977), as `mer analyze`. */
  vaTable?: CategoryVaTable;
}

/**
 * `mer analyze`'s face side for a live stream, frame by frame: the largest face (BlazeFace at the
 * frame's aspect, `eyes` crop geometry), followed between detections, cut upright and classified by
 * the shipped expression model.
 */
export class LiveFaces {
  private readonly follower = new FaceFollower('largest');
  private current: FaceBox | undefined;
  private detectedAt = -Infinity;

  constructor(
    private readonly models: LiveModels,
    private readonly options: LiveFacesOptions = {},
  ) {}

  /**
   * @param now ms (the frame's capture time): decides whether the detector runs on this frame
   * @param timed told each stage's time (ms): the detector when it ran, the expression model when a face was there
   */
  async frame(frame: PixelFrame, now: number, timed: (stage: 'detect' | 'classify', ms: number) => void = () => undefined): Promise<LiveFace | null> {
    if (now - this.detectedAt >= (this.options.detectMs ?? 150)) {
      const t0 = performance.now();
      const faces = await this.models.detector.detectPixels(frame, { geometry: EXPRESSION_DETECTION.eyes, largest: true });
      this.current = this.follower.update(faces);
      this.detectedAt = now;
      timed('detect', performance.now() - t0);
    }
    const face = this.current;
    if (!face) return null;
    const t1 = performance.now();
    const crops = this.models.classifier.crops(frame, [face], 'eyes'); // [1, 64, 64, 3]
    const { probabilities, features } = await this.models.classifier.run(crops);
    const p = Array.from((await probabilities.data()) as Float32Array);
    tf.dispose([crops, probabilities, features]);
    timed('classify', performance.now() - t1);
    return { face, probabilities: p, va: expressionVa(p, EXPRESSION_CLASSES, this.options.vaTable ?? RUSSELL_MEHRABIAN_1977) };
  }
}
