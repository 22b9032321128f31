/// <reference lib="dom" />
import * as tf from '@tensorflow/tfjs-core';
import { centreSquare, FaceBox, FaceEmbedder, type FaceEmbedderModel, faceRowBox, faceRowCrop, PixelFrame, pixelRows, type FrameEmbedder } from '@mer/feature-extractors';
import { PAGE_FACE_RUNTIME } from './page-face-runtime';
import type { FaceSource } from './run-streams';

/** One frame's face row at page time `t` (s): zeros where there was no face (masked). */
export interface FaceRow {
  t: number;
  data: Float32Array;
  face: boolean;
}

/** One frame's face cut for its row at page time `t` (s): [S, S, 3] RGB 0–255 flattened (S: the rows' side), or null where there was no face. */
export interface FaceCrop {
  t: number;
  pixels: Float32Array | null;
}

/** The embedder of the page's face rows: the shipped expression CNN, as the `face` extractor uses it. */
const EMBEDDER = 'expression';

/**
 * The crop of a run's face row, as the `face` and `face-crops` extractors cut it: the followed face's
 * region ({@link faceRowBox}; `centre`: the centred square, as `--faces none`), cut by
 * {@link faceRowCrop} at side `size` (the face model's, or a face-crops stream's). Cheap: the page cuts it on its
 * thread and the row's thread embeds it ({@link PageFaceRows.embed}).
 */
export async function cropFaceRow(frame: PixelFrame, face: FaceBox | null, t: number, source: FaceSource, size: number): Promise<FaceCrop> {
  const region = source === 'centre' ? centreSquare(frame.width, frame.height) : face && faceRowBox(face.box, frame.width, frame.height);
  if (!region) return { t, pixels: null };
  const crop = faceRowCrop(frame, region, size); // [1, S, S, 3]
  const pixels = (await crop.data()) as Float32Array;
  crop.dispose();
  return { t, pixels };
}

/**
 * A run's face rows from the page's frames, as `mer extract` makes them: cut ({@link cropFaceRow}) and
 * embedded by a shipped face model (the `face` extractor: the expression CNN, or FaceRes), or kept as
 * pixels at the stream's side (`face-crops`: {@link pixelRows}, rounded and clipped to 0–255).
 */
export class PageFaceRows {
  private constructor(private readonly embedder: FrameEmbedder & { dispose?(): void }) {}

  /**
   * @param graph the face model's graph as the page fetched it: human's `emotion` (the expression CNN, default) or `faceres`
   * @param model which of the shipped face models it is
   */
  static async create(graph: tf.io.ModelArtifacts, model: FaceEmbedderModel = EMBEDDER): Promise<PageFaceRows> {
    return new PageFaceRows(await FaceEmbedder.load(model, { model: graph, runtime: PAGE_FACE_RUNTIME }));
  }

  /** Rows that are the crops themselves, `size` pixels a side (a face-crops stream). */
  static pixels(size: number): PageFaceRows {
    return new PageFaceRows(pixelRows(size));
  }

  get dim(): number {
    return this.embedder.dim;
  }

  /** The row of a cut face (zeros, masked, where there was none). */
  async embed(crop: FaceCrop): Promise<FaceRow> {
    if (!crop.pixels) return { t: crop.t, face: false, data: new Float32Array(this.dim) };
    const size = this.embedder.inputSize;
    const x = tf.tensor4d(crop.pixels, [1, size, size, 3]);
    const row = await this.embedder.embed(x); // [1, dim]
    const data = (await row.data()) as Float32Array;
    tf.dispose([x, row]);
    return { t: crop.t, face: true, data };
  }

  /** The row of a frame at page time `t` with the face followed on it (or none), `source` as the run's stream asks. */
  async row(frame: PixelFrame, face: FaceBox | null, t: number, source: FaceSource): Promise<FaceRow> {
    return this.embed(await cropFaceRow(frame, face, t, source, this.embedder.inputSize));
  }

  dispose(): void {
    this.embedder.dispose?.();
  }
}
