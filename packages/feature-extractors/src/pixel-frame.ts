/** A decoded video frame as bytes: [height, width, 3] RGB, row by row (what the video reader gives). */
export interface PixelFrame {
  data: Uint8Array;
  height: number;
  width: number;
}
