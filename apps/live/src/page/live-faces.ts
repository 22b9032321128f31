/// <reference lib="dom" />
import * as tf from '@tensorflow/tfjs-core';
import { CategoryVaTable, EXPRESSION_CLASSES, expressionVa, FaceBox, FaceFollower, PixelFrame, RUSSELL_MEHRABIAN_1977 } from '@mer/feature-extractors';
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
 * Where the page's faces are detected: on its own thread, awaited on the frame (`background` false), or
 * in a worker, in the background (the face is followed from the newest detection that has come back).
 */
export interface LiveDetector {
  readonly background: boolean;
  /** The faces on the frame (`mer analyze`'s `eyes` geometry, largest face), and the ms the detection took where it ran. */
  detect(frame: PixelFrame): Promise<{ faces: FaceBox[]; ms: number }>;
  dispose(): void;
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
  /** A detection is under way (in the background: frames meanwhile follow the last face found). */
  private detecting = false;
  /** A background detection's failure, thrown on the next frame. */
  private failed: Error | null = null;

  constructor(
    private readonly models: Pick<LiveModels, 'detector' | 'classifier'>,
    private readonly options: LiveFacesOptions = {},
  ) {}

  /**
   * @param now ms (the frame's capture time): decides whether the detector runs on this frame
   * @param timed told each stage's time (ms): the detector when it ran (where it ran: in a worker, when its result came back), the expression model when a face was there
   */
  async frame(frame: PixelFrame, now: number, timed: (stage: 'detect' | 'classify', ms: number) => void = () => undefined): Promise<LiveFace | null> {
    if (this.failed) throw this.failed;
    const detector = this.models.detector;
    if (now - this.detectedAt >= (this.options.detectMs ?? 150) && !this.detecting) {
      this.detectedAt = now;
      this.detecting = true;
      const detection = detector
        .detect(frame)
        .then(({ faces, ms }) => {
          this.current = this.follower.update(faces);
          timed('detect', ms);
        })
        .finally(() => (this.detecting = false));
      if (!detector.background) await detection;
      else detection.catch((e: Error) => (this.failed = e));
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
