import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { clipFrameIndices } from '@mer/datasets';
import { generateTestClip, mediaProcessLaunches, probe, readVideoFrames, type MediaInfo } from '@mer/media';
import { clipFaceRows } from './clip-face-rows';
import { pixelRows } from './face-pixel-rows';
import { centreSquare, faceRowCrop } from './face-row-crop';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-clip-face-rows-'));
const SIZE = 16;
const span = { seconds: 2, frames: 6 };
let clip: string;

beforeAll(async () => {
  await initBackend();
  // 25 frames, each unlike the others (testsrc's counter and moving gradient).
  clip = generateTestClip(path.join(dir, 'clip.mp4'), { seconds: 1, fps: 25, width: 64, height: 48, toneHz: false });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The centred-square crop of each decoded frame of `clip`, as a row of pixels. */
async function decodedRows(clip: string): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  const embedder = pixelRows(SIZE);
  for await (const b of readVideoFrames(clip)) {
    const size = b.width * b.height * 3;
    for (let i = 0; i < b.count; i++) {
      const frame = { data: b.data.subarray(i * size, (i + 1) * size), width: b.width, height: b.height };
      const crop = faceRowCrop(frame, centreSquare(b.width, b.height), SIZE);
      const row = embedder.embed(crop) as tf.Tensor2D;
      rows.push(Float32Array.from(await row.data()));
      crop.dispose();
      row.dispose();
    }
  }
  return rows;
}

describe('clipFaceRows: the sampled frames of a clip, picked from the frames that decode', () => {
  it('with the probe’s packet count: the rows of the frames clipFrameIndices picks from the decoded count, in one ffmpeg run', async () => {
    const all = await decodedRows(clip);
    expect(all).toHaveLength(25);
    const info = await probe(clip, { countFrames: true });
    expect(info.video).toMatchObject({ frameCount: 25, frameCountSource: 'packets' });
    const before = mediaProcessLaunches();
    const rows = await clipFaceRows(clip, info, null, pixelRows(SIZE), span);
    expect(mediaProcessLaunches().ffmpeg - before.ffmpeg).toBe(1);
    const dim = SIZE * SIZE * 3;
    clipFrameIndices(25, 25, span).forEach((fi, r) => expect(Array.from(rows.data.subarray(r * dim, (r + 1) * dim))).toEqual(Array.from(all[fi])));
    expect(Array.from(rows.mask)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a count that is not what decodes: the frames are picked again from the decoded count', async () => {
    const info = await probe(clip, { countFrames: true });
    const right = await clipFaceRows(clip, info, null, pixelRows(SIZE), span);
    // 26 frames would pick other frames than 25 do: the test below tells the two apart.
    expect(clipFrameIndices(26, 25, span)).not.toEqual(clipFrameIndices(25, 25, span));
    const off = (frameCount: number, frameCountSource: 'packets' | 'decoded'): MediaInfo => ({ ...info, video: { ...info.video!, frameCount, frameCountSource } });
    const before = mediaProcessLaunches();
    const repicked = await clipFaceRows(clip, off(26, 'packets'), null, pixelRows(SIZE), span);
    expect(mediaProcessLaunches().ffmpeg - before.ffmpeg).toBe(2);
    expect(Array.from(repicked.data)).toEqual(Array.from(right.data));
    expect(Array.from(repicked.times)).toEqual(Array.from(right.times));
    // A decoded count is taken as it is (nothing to check): 26 picks other frames.
    const taken = await clipFaceRows(clip, off(26, 'decoded'), null, pixelRows(SIZE), span);
    expect(Array.from(taken.data)).not.toEqual(Array.from(right.data));
  });

  it('a clip longer than the span: the picks depend only on the decode reaching the span, and a count below it is picked again', async () => {
    const long = generateTestClip(path.join(dir, 'long.mp4'), { seconds: 3, fps: 25, width: 64, height: 48, toneHz: false });
    const all = await decodedRows(long);
    expect(all).toHaveLength(75);
    const info = await probe(long, { countFrames: true });
    const dim = SIZE * SIZE * 3;
    const expectRows = (rows: { data: Float32Array }) => clipFrameIndices(75, 25, span).forEach((fi, r) => expect(Array.from(rows.data.subarray(r * dim, (r + 1) * dim))).toEqual(Array.from(all[fi])));
    // The span is 50 frames: any count from 50 on picks the same frames.
    expect(clipFrameIndices(90, 25, span)).toEqual(clipFrameIndices(75, 25, span));
    const off = (frameCount: number): MediaInfo => ({ ...info, video: { ...info.video!, frameCount, frameCountSource: 'packets' } });
    for (const count of [75, 90]) {
      const before = mediaProcessLaunches();
      expectRows(await clipFaceRows(long, off(count), null, pixelRows(SIZE), span));
      expect(mediaProcessLaunches().ffmpeg - before.ffmpeg).toBe(1);
    }
    // 40 would pick within 40 frames: the decode shows more, and the frames are picked from all 75.
    expect(clipFrameIndices(40, 25, span)).not.toEqual(clipFrameIndices(75, 25, span));
    const before = mediaProcessLaunches();
    expectRows(await clipFaceRows(long, off(40), null, pixelRows(SIZE), span));
    expect(mediaProcessLaunches().ffmpeg - before.ffmpeg).toBe(2);
  });
});
