/// <reference lib="dom" />
import * as tf from '@tensorflow/tfjs-core';
import { centreSquare, FaceBox, FaceEmbedder, faceRowBox, faceRowCrop, PixelFrame } from '@mer/feature-extractors';
import { PAGE_FACE_RUNTIME } from './page-face-runtime';
import type { FaceSource } from './run-streams';

/** One frame's face row at page time `t` (s): zeros where there was no face (masked). */
export interface FaceRow {
  t: number;
  data: Float32Array;
  face: boolean;
}

/**
 * A run's face rows from the page's frames, as the `face` extractor makes them: the followed face's
 * region ({@link faceRowBox}; `centre`: the centred square, as `--faces none`), cut ({@link faceRowCrop})
 * and embedded by the shipped expression CNN.
 */
export class PageFaceRows {
  private constructor(
    private readonly embedder: FaceEmbedder,
    private readonly source: FaceSource,
  ) {}

  /** @param emotion human's `emotion` graph (the page already fetched it for the expression model) */
  static async create(emotion: tf.io.ModelArtifacts, source: FaceSource): Promise<PageFaceRows> {
    return new PageFaceRows(await FaceEmbedder.load('expression', { model: emotion, runtime: PAGE_FACE_RUNTIME }), source);
  }

  get dim(): number {
    return this.embedder.dim;
  }

  /** The row of a frame at page time `t` with the face followed on it (or none). */
  async row(frame: PixelFrame, face: FaceBox | null, t: number): Promise<FaceRow> {
    const region = this.source === 'centre' ? centreSquare(frame.width, frame.height) : face && faceRowBox(face.box, frame.width, frame.height);
    if (!region) return { t, face: false, data: new Float32Array(this.dim) };
    const crop = faceRowCrop(frame, region, this.embedder.inputSize); // [1, S, S, 3]
    const row = await this.embedder.embed(crop); // [1, dim]
    const data = (await row.data()) as Float32Array;
    tf.dispose([crop, row]);
    return { t, face: true, data };
  }

  dispose(): void {
    this.embedder.dispose();
  }
}
