/// <reference lib="dom" />
import type { PixelFrame } from '@mer/feature-extractors';

/**
 * RGBA bytes → RGB (what the models take). Four pixels at a time as three 32-bit words (little-endian,
 * as every browser's typed arrays are): a quarter of the loads and stores of a byte loop, which took
 * 2.5 ms of the page's thread per 640 × 360 frame.
 */
export function rgbaToRgb(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  const n = width * height;
  if (rgba.length < n * 4) throw new Error(`${rgba.length} bytes for a ${width}×${height} RGBA frame`);
  const rgb = new Uint8Array(n * 3);
  const quads = rgba.byteOffset % 4 === 0 ? n >> 2 : 0;
  if (quads) {
    const src = new Uint32Array(rgba.buffer, rgba.byteOffset, quads * 4);
    const dst = new Uint32Array(rgb.buffer, 0, quads * 3);
    for (let q = 0, i = 0, j = 0; q < quads; q++, i += 4, j += 3) {
      const [p0, p1, p2, p3] = [src[i], src[i + 1], src[i + 2], src[i + 3]];
      dst[j] = (p0 & 0xffffff) | (p1 << 24);
      dst[j + 1] = ((p1 >>> 8) & 0xffff) | (p2 << 16);
      dst[j + 2] = ((p2 >>> 16) & 0xff) | (p3 << 8);
    }
  }
  for (let k = quads * 4; k < n; k++) {
    rgb[3 * k] = rgba[4 * k];
    rgb[3 * k + 1] = rgba[4 * k + 1];
    rgb[3 * k + 2] = rgba[4 * k + 2];
  }
  return rgb;
}

/**
 * Reads the video's current frame as RGB bytes. Where the browser has WebCodecs' `VideoFrame` with format
 * conversion, the frame is copied out as RGBA (the browser converts from the camera's YUV): about a fifth
 * of what drawing it into a canvas and reading the canvas back costs. Otherwise, or if that copy ever
 * fails, it reads through a 2D canvas (`route` says which, `note` why the canvas).
 */
export class FrameGrabber {
  private canvas: CanvasRenderingContext2D | null = null;
  route: 'VideoFrame' | 'canvas';
  note: string | null = null;

  constructor(private readonly video: HTMLVideoElement) {
    this.route = typeof VideoFrame === 'function' ? 'VideoFrame' : 'canvas';
    if (this.route === 'canvas') this.note = 'no VideoFrame in this browser';
  }

  async grab(): Promise<PixelFrame> {
    if (this.route === 'VideoFrame') {
      try {
        return await this.copy();
      } catch (e) {
        this.route = 'canvas';
        this.note = `VideoFrame.copyTo failed (${(e as Error).message})`;
        console.warn('mer live: reading frames through a canvas:', this.note);
      }
    }
    return this.draw();
  }

  private async copy(): Promise<PixelFrame> {
    const frame = new VideoFrame(this.video);
    try {
      // The visible part of the frame, copied as is: where the video shows it scaled (non-square pixels), the canvas reads it as shown.
      const [width, height] = [frame.visibleRect?.width ?? 0, frame.visibleRect?.height ?? 0];
      if (width !== this.video.videoWidth || height !== this.video.videoHeight) throw new Error(`the frame is ${width}×${height} where the video shows ${this.video.videoWidth}×${this.video.videoHeight}`);
      const options: VideoFrameCopyToOptions = { format: 'RGBA', colorSpace: 'srgb' };
      const rgba = new Uint8Array(frame.allocationSize(options));
      await frame.copyTo(rgba, options);
      return { data: rgbaToRgb(rgba, width, height), width, height };
    } finally {
      frame.close();
    }
  }

  private draw(): PixelFrame {
    const video = this.video;
    const [width, height] = [video.videoWidth, video.videoHeight];
    if (!this.canvas) this.canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    const g = this.canvas;
    if (!g) throw new Error('no 2D canvas to read the video through');
    if (g.canvas.width !== width || g.canvas.height !== height) [g.canvas.width, g.canvas.height] = [width, height];
    g.drawImage(video, 0, 0, width, height);
    return { data: rgbaToRgb(g.getImageData(0, 0, width, height).data, width, height), width, height };
  }
}
