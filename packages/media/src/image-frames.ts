import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ffmpegRecords } from './ffmpeg-process';
import { MediaError } from './media-error';

/** A batch of images decoded to one size: [count, size, size, 3] uint8 RGB. */
export interface ImageBatch {
  data: Uint8Array;
  count: number;
  size: number;
  /** Index (into the list given) of the first image. */
  firstIndex: number;
}

/**
 * Decodes a list of image files (e.g. Aff-Wild2's `cropped_aligned` jpgs) in one ffmpeg process
 * (concat demuxer), each resized to `size` × `size`, in batches. Memory: one batch plus the pipe.
 */
export async function* readImageFrames(files: readonly string[], options: { size: number; batchSize?: number }): AsyncGenerator<ImageBatch> {
  if (files.length === 0) return;
  for (const f of files) if (!fs.existsSync(f)) throw new MediaError(f, 'missing-file', 'image not found');
  const { size } = options;
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const listDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-images-'));
  const list = path.join(listDir, 'list.txt');
  // Each image shown for one frame of a nominal 1 fps stream: one output frame per file, in order.
  fs.writeFileSync(list, files.map((f) => `file '${path.resolve(f).replace(/'/g, "'\\\\''")}'\nduration 1\n`).join(''));
  const frameBytes = size * size * 3;
  let index = 0;
  let batch: Buffer[] = [];
  const flush = (): ImageBatch => {
    const data = new Uint8Array(batch.length * frameBytes);
    batch.forEach((f, i) => data.set(f, i * frameBytes));
    const out = { data, count: batch.length, size, firstIndex: index - batch.length };
    batch = [];
    return out;
  };
  try {
    const args = ['-f', 'concat', '-safe', '0', '-i', list, '-vsync', 'passthrough', '-vf', `scale=${size}:${size}:flags=bilinear`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
    for await (const frame of ffmpegRecords(files[0], args, frameBytes)) {
      if (index >= files.length) break;
      batch.push(frame);
      index++;
      if (batch.length === batchSize) yield flush();
    }
    if (batch.length > 0) yield flush();
  } finally {
    fs.rmSync(listDir, { recursive: true, force: true });
  }
  if (index < files.length) throw new MediaError(files[index], 'decode-failed', `decoded ${index} of ${files.length} images; this one or the next could not be read`);
}
