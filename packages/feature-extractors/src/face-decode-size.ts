import type { MediaInfo } from '@mer/media';

/**
 * How the face side decodes a video: upright at its displayed size (its own aspect; crops are cut from
 * the source's pixels), the long side at most `maxSide` (a 4K video is halved), in batches of at most
 * `batchBytes` (16 frames up to 1280 × 540; 5 at 1920 × 1080).
 */
export const FACE_DECODE = { maxSide: 1920, batchBytes: 32 * 1024 * 1024, maxBatch: 16 } as const;

/** The decode size and batch of {@link FACE_DECODE} for a video. */
export function faceDecodeSize(info: MediaInfo): { width: number; height: number; batchSize: number } {
  const { width, height } = info.video ?? { width: 2, height: 2 };
  const k = Math.min(1, FACE_DECODE.maxSide / Math.max(width, height));
  const [w, h] = k < 1 ? [Math.max(2, Math.round((width * k) / 2) * 2), Math.max(2, Math.round((height * k) / 2) * 2)] : [width, height];
  return { width: w, height: h, batchSize: Math.max(1, Math.min(FACE_DECODE.maxBatch, Math.floor(FACE_DECODE.batchBytes / (w * h * 3)))) };
}
