import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FrameCountMismatch, generateTestClip, readVideoFrames, writeDisplayRotated, type FrameCountCheck } from './index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-frame-selection-'));

/** Every frame of a full decode: pixels and time by index. */
async function allFrames(file: string, width?: number): Promise<{ pixels: Uint8Array[]; times: number[] }> {
  const pixels: Uint8Array[] = [];
  const times: number[] = [];
  for await (const b of readVideoFrames(file, { width })) {
    const size = b.width * b.height * 3;
    for (let i = 0; i < b.count; i++) pixels.push(b.data.slice(i * size, (i + 1) * size));
    times.push(...b.timestamps);
  }
  return { pixels, times };
}

describe('readVideoFrames({ frames }): only the wanted frames leave ffmpeg', () => {
  it.each([
    ['constant rate', () => generateTestClip(path.join(dir, 'cfr.mp4'), { seconds: 2, fps: 25, toneHz: false })],
    ['variable rate', () => generateTestClip(path.join(dir, 'vfr.mp4'), { seconds: 3, fps: 30, variableRate: { after: 30, gap: 0.7, slowdown: 2 }, toneHz: false })],
    ['turned by its display matrix', () => writeDisplayRotated(generateTestClip(path.join(dir, 'flat.mp4'), { seconds: 1, fps: 25, width: 96, height: 64, toneHz: false }), path.join(dir, 'turned.mp4'), 90)],
  ])('%s: the same pixels and times as those frames of a full decode, in batches that name their indices', async (_name, make) => {
    const file = await make();
    const full = await allFrames(file, 80);
    const last = full.pixels.length - 1;
    const wanted = [...new Set([0, 3, 4, 17, 31].filter((i) => i < last)), last];
    const got: number[] = [];
    for await (const b of readVideoFrames(file, { width: 80, frames: [...wanted, 4], batchSize: 4 })) {
      const size = b.width * b.height * 3;
      b.indices!.forEach((index, i) => {
        got.push(index);
        expect(Buffer.compare(Buffer.from(b.data.subarray(i * size, (i + 1) * size)), Buffer.from(full.pixels[index]))).toBe(0);
        expect(b.timestamps[i]).toBeCloseTo(full.times[index], 6);
      });
    }
    expect(got).toEqual(wanted);
  });

  it('frameCount: checks the count the frames were picked from, exactly (to the end) or one the decode reaches', async () => {
    const file = generateTestClip(path.join(dir, 'count.mp4'), { seconds: 1, fps: 25, toneHz: false });
    const full = await allFrames(file, 48);
    expect(full.pixels).toHaveLength(25);
    const picked = async (frameCount: FrameCountCheck) => {
      const got: { index: number; time: number }[] = [];
      try {
        for await (const b of readVideoFrames(file, { width: 48, frames: [2, 12], frameCount })) b.indices!.forEach((index, i) => got.push({ index, time: b.timestamps[i] }));
      } catch (e) {
        return { got, error: e };
      }
      return { got, error: null };
    };
    for (const right of [{ exactly: 25 }, { atLeast: 20 }, { atLeast: 25 }]) {
      const r = await picked(right);
      expect(r.error).toBeNull();
      expect(r.got.map((g) => g.index)).toEqual([2, 12]);
      r.got.forEach((g) => expect(g.time).toBeCloseTo(full.times[g.index], 6));
    }
    // Picked from a wrong count: the frames still come, then the error that says how many decode.
    const wrong = await picked({ exactly: 26 });
    expect(wrong.got.map((r) => r.index)).toEqual([2, 12]);
    expect(wrong.error).toBeInstanceOf(FrameCountMismatch);
    expect(wrong.error).toMatchObject({ expected: { exactly: 26 }, decoded: 25, message: `${file}: decodes to 25 frames, not the 26 its frames were picked from` });
    const short = await picked({ atLeast: 30 });
    expect(short.got.map((r) => r.index)).toEqual([2, 12]);
    expect(short.error).toMatchObject({ decoded: 25, message: `${file}: decodes to 25 frames, fewer than the 30 its frames were picked from` });
  });

  it('refuses a selection with a resampling rate or a start (indices would be ambiguous)', async () => {
    const file = path.join(dir, 'cfr.mp4');
    await expect(readVideoFrames(file, { frames: [1], fps: 10 }).next()).rejects.toThrow(/frames selects decoded frames/);
  });
});
