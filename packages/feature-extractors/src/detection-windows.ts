import type { PixelFrame } from './pixel-frame';

/**
 * Where BlazeFace looks in a frame, and how small a face it finds. The network takes 256 × 256 and
 * finds a face whose box is 16 px there with a score ≥ 0.75 (measured on human's FaceID portrait
 * scaled down on a grey canvas: boxes of 16 px score 0.75–0.91, 12 px 0.69–0.87, 8 px 0.49–0.79), so
 * a window of side `s` shows faces down to a box of s / 16. The whole frame, letterboxed, is one window
 * (faces down to long side / 16); where that is coarser than the promised minimum — the larger of
 * `minFacePixels` and short side / 16 — the frame is searched again in square tiles of
 * 16 × that minimum, overlapping by more than the largest face the whole-frame window may miss.
 */
export const DETECTION_WINDOWS = {
  /** The network's input side. */
  inputSize: 256,
  /** A face box of this many input pixels (1/16 of the input) is found reliably. */
  minInputBox: 16,
  /** The smallest face box, in frame pixels, that tiles search for: 40, so a 1.4 × crop is ≥ 56 px. */
  minFacePixels: 40,
  /** Tiles overlap by this many times the largest box the whole-frame window may miss (context around a face). */
  overlapFaces: 1.5,
  /** Each face is found again in a window where its box is this many input pixels (a quarter of the input). */
  refineBox: 64,
} as const;

/**
 * A square region of a frame the detector sees as its whole input: pixels [x, x + side) × [y, y + side)
 * (integers; the region may reach beyond the frame, where it is zero).
 */
export interface DetectionWindow {
  x: number;
  y: number;
  side: number;
}

/**
 * The smallest face box (frame pixels) found anywhere in a width × height frame: the larger of
 * {@link DETECTION_WINDOWS}.minFacePixels and a 16th of the short side.
 */
export function minimumFaceSize(width: number, height: number): number {
  const { minFacePixels, inputSize, minInputBox } = DETECTION_WINDOWS;
  return Math.max(minFacePixels, (Math.min(width, height) * minInputBox) / inputSize);
}

/** `n` window starts spread evenly over [0, length − side]. */
function starts(length: number, side: number, overlap: number): number[] {
  if (length <= side) return [0];
  const n = Math.ceil((length - overlap) / (side - overlap));
  return Array.from({ length: n }, (_, i) => Math.round((i * (length - side)) / (n - 1)));
}

/**
 * The windows the detector runs on for a width × height frame: the whole frame letterboxed (its long
 * side square, padded right or below), then — only where the frame is larger than 16 × the minimum face
 * ({@link minimumFaceSize}), e.g. wider than 640 px at 16:9 or any frame wider than 2:1 — square tiles
 * of that side over the frame. 640 × 360: 1 window; 1280 × 720: 3; 1280 × 360: 4; 1920 × 1080: 3.
 */
export function detectionWindows(width: number, height: number): DetectionWindow[] {
  const { inputSize, minInputBox, overlapFaces } = DETECTION_WINDOWS;
  const long = Math.max(width, height);
  const whole: DetectionWindow = { x: 0, y: 0, side: long };
  const tile = Math.round((minimumFaceSize(width, height) * inputSize) / minInputBox);
  if (long <= tile) return [whole];
  // A face the whole-frame window may miss has a box under long / 16: each lies inside some tile.
  const overlap = Math.min(tile - 1, Math.ceil(((long * minInputBox) / inputSize) * overlapFaces));
  const tiles = starts(height, tile, overlap).flatMap((y) => starts(width, tile, overlap).map((x) => ({ x, y, side: tile })));
  return [whole, ...tiles];
}

const inside = (i: number, n: number) => i >= 0 && i < n;

/**
 * A window of a frame resampled to `size` × `size` RGB bytes as tfjs' `resizeBilinear` samples the
 * window cut from the zero-padded frame (no corner alignment, no half-pixel centres), rounded to bytes.
 * @param frame [H, W, 3] RGB bytes
 * @returns [size, size, 3] RGB bytes
 */
export function windowPixels(frame: PixelFrame, w: DetectionWindow, size: number = DETECTION_WINDOWS.inputSize): Uint8Array {
  const { data, width, height } = frame;
  const out = new Uint8Array(size * size * 3);
  const step = w.side / size;
  // Per output column: the byte offsets of its two source columns in a row (−1 beyond the frame: zero)
  // and the weight of the second; per output row the same for rows.
  const taps = (origin: number, n: number, stride: number) => {
    const first = new Int32Array(size);
    const second = new Int32Array(size);
    const weight = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const at = i * step;
      const c0 = Math.floor(at);
      const c1 = Math.min(c0 + 1, w.side - 1);
      weight[i] = at - c0;
      first[i] = inside(origin + c0, n) ? (origin + c0) * stride : -1;
      second[i] = inside(origin + c1, n) ? (origin + c1) * stride : -1;
    }
    return { first, second, weight };
  };
  const cols = taps(w.x, width, 3);
  const rows = taps(w.y, height, width * 3);
  for (let j = 0; j < size; j++) {
    const row0 = rows.first[j];
    const row1 = rows.second[j];
    const ry = rows.weight[j];
    if (row0 < 0 && row1 < 0) continue; // above or below the frame: zeros
    const inRows = row0 >= 0 && row1 >= 0;
    for (let i = 0; i < size; i++) {
      const a = cols.first[i];
      const b = cols.second[i];
      const rx = cols.weight[i];
      const o = (j * size + i) * 3;
      if (inRows && a >= 0 && b >= 0) {
        // Inside the frame (almost every sample): no bounds to check.
        for (let c = 0; c < 3; c++) {
          const p00 = data[row0 + a + c];
          const p10 = data[row1 + a + c];
          const top = p00 + (data[row0 + b + c] - p00) * rx;
          out[o + c] = Math.round(top + (p10 + (data[row1 + b + c] - p10) * rx - top) * ry);
        }
        continue;
      }
      if (a < 0 && b < 0) continue; // left or right of the frame: zeros
      for (let c = 0; c < 3; c++) {
        const p00 = row0 >= 0 && a >= 0 ? data[row0 + a + c] : 0;
        const p01 = row0 >= 0 && b >= 0 ? data[row0 + b + c] : 0;
        const p10 = row1 >= 0 && a >= 0 ? data[row1 + a + c] : 0;
        const p11 = row1 >= 0 && b >= 0 ? data[row1 + b + c] : 0;
        const top = p00 + (p01 - p00) * rx;
        out[o + c] = Math.round(top + (p10 + (p11 - p10) * rx - top) * ry);
      }
    }
  }
  return out;
}
