import * as tf from '@tensorflow/tfjs-core';
import { ConvertedGraph, FrozenGraph, FrozenGraphRuntime } from './frozen-graph';
import { humanModelPath } from './graph-model-files';
import { DETECTION_WINDOWS, DetectionWindow, detectionWindows, windowPixels } from './detection-windows';
import type { PixelFrame } from './pixel-frame';

/** A detected face in normalised image coordinates (0–1). */
export interface FaceBox {
  /** [x0, y0, x1, y1] */
  box: [number, number, number, number];
  score: number;
  /** Six keypoints (eyes, nose, mouth, ears) as [x, y]. */
  keypoints: [number, number][];
}

/**
 * How a frame goes into BlazeFace's 256 × 256 input. `letterbox`: at the frame's own aspect — the
 * whole frame padded to a square, and tiles where the frame is large or wide
 * ({@link detectionWindows}); boxes are then square in the frame's pixels. `stretch`: the whole frame
 * stretched to 256 × 256, as `@vladmandic/human`'s own pipeline does (what `--crop reference`
 * reproduces); a face in a frame far from square is squashed, and missed.
 */
export type DetectionGeometry = 'letterbox' | 'stretch';

export interface FaceDetectorOptions {
  /** A BlazeFace-back graph model.json; default the one shipped in @vladmandic/human. */
  modelPath?: string;
  /** The graph's files already in memory (e.g. fetched by a browser page), instead of `modelPath`. */
  model?: tf.io.ModelArtifacts;
  /** Minimum score. Default 0.5. */
  minScore?: number;
  /** NMS IoU threshold. Default 0.3. */
  iouThreshold?: number;
  /** Faces kept per frame. Default 5. */
  maxFaces?: number;
  /** The geometry of calls that name none: `letterbox` (true, default) or `stretch` (false). */
  letterbox?: boolean;
  /** Where the network runs ({@link FrozenGraphRuntime}); default `auto`. */
  runtime?: FrozenGraphRuntime;
}

/** Per call. */
export interface DetectOptions {
  /** Default the detector's (`letterbox` at load). */
  geometry?: DetectionGeometry;
  /**
   * Only the largest face matters (one person followed by size): where the whole frame already shows a
   * face 1.5 × larger than the smallest it finds reliably, the tiles — which can add only smaller
   * faces — are skipped. Default false: every face.
   */
  largest?: boolean;
}

/**
 * Frames go in as bytes, resized to 256 and scaled to [−1, 1] inside the graph (a letterboxed window is
 * resampled to 256 first, so the graph's resize keeps it as it is).
 */
const PIXELS = { height: 256, width: 256, divide: 127.5, subtract: 1 };

function detectorOptions(o: Omit<FaceDetectorOptions, 'model' | 'modelPath' | 'runtime'>): Required<Omit<FaceDetectorOptions, 'modelPath' | 'model' | 'runtime'>> {
  return { minScore: o.minScore ?? 0.5, iouThreshold: o.iouThreshold ?? 0.3, maxFaces: o.maxFaces ?? 5, letterbox: o.letterbox ?? true };
}

/** Anchor centres of BlazeFace's 256×256 "back" model: 16×16 grid × 2, then 8×8 grid × 6. */
function blazeFaceAnchors(): Float32Array {
  const out: number[] = [];
  for (const [grid, perCell] of [[16, 2], [8, 6]] as const) {
    for (let y = 0; y < grid; y++) for (let x = 0; x < grid; x++) for (let a = 0; a < perCell; a++) out.push((x + 0.5) / grid, (y + 0.5) / grid);
  }
  return Float32Array.from(out);
}

/** IoU of two [x0, y0, x1, y1] boxes (0 when either is empty), as tfjs' non-max suppression computes it. */
function iou(a: readonly number[], b: readonly number[]): number {
  const areaA = (a[2] - a[0]) * (a[3] - a[1]);
  const areaB = (b[2] - b[0]) * (b[3] - b[1]);
  if (areaA <= 0 || areaB <= 0) return 0;
  const inter = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  return inter / (areaA + areaB - inter);
}

/**
 * BlazeFace (back camera model, 256×256) face detector: the frame's windows ({@link DetectionGeometry})
 * go to the network as bytes, the 896 anchors of each are decoded (centre = anchor + offset / 256, size
 * = raw / 256), faces above `minScore` kept after non-max suppression, within each window and then
 * over the windows in the frame's pixels.
 */
export class FaceDetector {
  /** [896, 2] anchor centres (x, y). */
  private readonly anchors = blazeFaceAnchors();
  private constructor(
    private readonly model: FrozenGraph,
    readonly options: Required<Omit<FaceDetectorOptions, 'modelPath' | 'model' | 'runtime'>>,
  ) {}

  static async load(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
    const graph = { runtime: options.runtime, pixels: PIXELS };
    const model = options.model ? await FrozenGraph.fromArtifacts(options.modelPath ?? 'blazeface.json', options.model, graph) : await FrozenGraph.load(options.modelPath ?? humanModelPath('blazeface'), graph);
    return new FaceDetector(model, detectorOptions(options));
  }

  /**
   * BlazeFace's graph (`model`, with `modelPath` as its name) converted to ONNX, to open elsewhere with
   * {@link FaceDetector.fromConverted}: a page converts it on its tensor backend and detects in a worker.
   */
  static async convert(model: tf.io.ModelArtifacts, modelPath = 'blazeface.json'): Promise<ConvertedGraph> {
    return FrozenGraph.convert(modelPath, model, { pixels: PIXELS });
  }

  /** A detector on ONNX Runtime from a graph {@link FaceDetector.convert}ed before; needs no tensor backend. */
  static async fromConverted(graph: ConvertedGraph, options: Omit<FaceDetectorOptions, 'model' | 'modelPath' | 'runtime'> = {}): Promise<FaceDetector> {
    return new FaceDetector(await FrozenGraph.fromConverted(graph), detectorOptions(options));
  }

  /**
   * Faces on a frame's bytes (what the video reader gives); the frame never becomes a tensor on ONNX Runtime.
   * @returns faces, best first, in the frame's normalised coordinates
   */
  async detectPixels(frame: PixelFrame, options: DetectOptions = {}): Promise<FaceBox[]> {
    const geometry = options.geometry ?? (this.options.letterbox ? 'letterbox' : 'stretch');
    if (geometry === 'stretch') return this.decode(await this.model.runPixelsData(frame), [0, 1, 0, 1]);
    const { width: W, height: H } = frame;
    const [whole, ...tiles] = detectionWindows(W, H);
    const found = await this.detectWindow(frame, whole);
    const reliable = (whole.side * DETECTION_WINDOWS.minInputBox) / DETECTION_WINDOWS.inputSize;
    const large = found.some((f) => Math.max((f.box[2] - f.box[0]) * W, (f.box[3] - f.box[1]) * H) >= 1.5 * reliable);
    if (!(options.largest && large)) for (const w of tiles) found.push(...(await this.detectWindow(frame, w)));
    const refined: FaceBox[] = [];
    for (const f of this.merge(found, W, H)) refined.push(await this.refine(frame, f));
    return this.merge(refined, W, H);
  }

  /** The faces in one window of a frame, in the frame's normalised coordinates. */
  private async detectWindow(frame: PixelFrame, w: DetectionWindow): Promise<FaceBox[]> {
    const input = { data: windowPixels(frame, w), height: DETECTION_WINDOWS.inputSize, width: DETECTION_WINDOWS.inputSize };
    return this.decode(await this.model.runPixelsData(input), [w.x / frame.width, w.side / frame.width, w.y / frame.height, w.side / frame.height]);
  }

  /**
   * A face found again in a window around it that shows its box at {@link DETECTION_WINDOWS}.refineBox
   * input pixels, so its box and keypoints depend little on how large the frame is or which window found
   * it. Measured on a 640 × 360 clip of a real face (box ~100 px) and the same pixels padded to
   * 1280 × 720: boxes 3–11 px apart in size from the first windows, 1–4 px after this.
   */
  private async refine(frame: PixelFrame, face: FaceBox): Promise<FaceBox> {
    const { width: W, height: H } = frame;
    const [x0, y0, x1, y1] = [face.box[0] * W, face.box[1] * H, face.box[2] * W, face.box[3] * H];
    const side = Math.round((Math.max(x1 - x0, y1 - y0) * DETECTION_WINDOWS.inputSize) / DETECTION_WINDOWS.refineBox);
    const again = await this.detectWindow(frame, { x: Math.round((x0 + x1 - side) / 2), y: Math.round((y0 + y1 - side) / 2), side });
    const px = (f: FaceBox) => [f.box[0] * W, f.box[1] * H, f.box[2] * W, f.box[3] * H];
    const best = again.map((f) => ({ f, overlap: iou(px(f), [x0, y0, x1, y1]) })).sort((a, b) => b.overlap - a.overlap)[0];
    return best && best.overlap > this.options.iouThreshold ? best.f : face;
  }

  /**
   * @param frame [H, W, 3] RGB, uint8 values (other values are rounded and clamped to 0–255)
   * @returns faces, best first, in the frame's normalised coordinates
   */
  async detect(frame: tf.Tensor3D, options: DetectOptions = {}): Promise<FaceBox[]> {
    const [h, w] = frame.shape;
    return this.detectPixels({ data: new Uint8Array(Uint8ClampedArray.from(await frame.data()).buffer), height: h, width: w }, options);
  }

  /** Faces found in several windows: the best of each overlapping group, at most `maxFaces`. */
  private merge(faces: FaceBox[], W: number, H: number): FaceBox[] {
    const px = (f: FaceBox) => [f.box[0] * W, f.box[1] * H, f.box[2] * W, f.box[3] * H];
    const kept: FaceBox[] = [];
    for (const f of [...faces].sort((a, b) => b.score - a.score)) {
      if (kept.length === this.options.maxFaces) break;
      if (kept.every((k) => iou(px(k), px(f)) <= this.options.iouThreshold)) kept.push(f);
    }
    return kept;
  }

  /**
   * Faces from the network's outputs, decoded and suppressed as tfjs' `nonMaxSuppression` does (score
   * above `minScore`, best first, dropped at IoU ≥ `iouThreshold` with one kept), in plain JavaScript;
   * `[ax, bx, ay, by]` map the input's normalised coordinates to the frame's (x = ax + bx · u, y = ay + by · v).
   */
  private decode(outs: { values: Float32Array; dims: number[] }[], [ax, bx, ay, by]: [number, number, number, number]): FaceBox[] {
    const byShape = (rows: number, cols: number) => {
      const out = outs.find((o) => o.dims[1] === rows && o.dims[2] === cols);
      if (!out) throw new Error(`FaceDetector: the model has no [1, ${rows}, ${cols}] output (a BlazeFace-back graph has [1, 512|384, 16] and [1, 512|384, 1])`);
      return out.values;
    };
    const [raw16, raw8, logit16, logit8] = [byShape(512, 16), byShape(384, 16), byShape(512, 1), byShape(384, 1)]; // [512|384, 16], [512|384]
    const raw = (i: number, k: number) => (i < 512 ? raw16[i * 16 + k] : raw8[(i - 512) * 16 + k]);
    const { minScore, iouThreshold, maxFaces } = this.options;
    const candidates: { i: number; score: number; box: number[] }[] = [];
    for (let i = 0; i < 896; i++) {
      const logit = Math.min(100, Math.max(-100, i < 512 ? logit16[i] : logit8[i - 512]));
      const score = 1 / (1 + Math.exp(-logit));
      if (!(score > minScore)) continue;
      // Centre = anchor + offset / 256, size = raw / 256; [x0, y0, x1, y1] in the input's normalised coordinates.
      const [cx, cy] = [raw(i, 0) / 256 + this.anchors[2 * i], raw(i, 1) / 256 + this.anchors[2 * i + 1]];
      const [hw, hh] = [raw(i, 2) / 512, raw(i, 3) / 512];
      candidates.push({ i, score, box: [cx - hw, cy - hh, cx + hw, cy + hh] });
    }
    candidates.sort((p, q) => q.score - p.score || p.i - q.i);
    const kept: typeof candidates = [];
    for (const c of candidates) {
      if (kept.length === maxFaces) break;
      if (kept.every((k) => iou(k.box, c.box) < iouThreshold)) kept.push(c);
    }
    const x = (u: number) => ax + bx * u;
    const y = (v: number) => ay + by * v;
    return kept.map(({ i, score, box }) => ({
      box: [x(box[0]), y(box[1]), x(box[2]), y(box[3])] as [number, number, number, number],
      score,
      keypoints: Array.from({ length: 6 }, (_, j) => [x(raw(i, 4 + 2 * j) / 256 + this.anchors[2 * i]), y(raw(i, 5 + 2 * j) / 256 + this.anchors[2 * i + 1])] as [number, number]),
    }));
  }

  /** The runtime the network runs on. */
  get runtime(): 'onnx' | 'tfjs' {
    return this.model.runtime;
  }

  dispose(): void {
    this.model.dispose();
  }
}
