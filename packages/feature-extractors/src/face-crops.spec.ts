import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { generateTestClip, readVideoFrames } from '@mer/media';
import { extractFaceCrops } from './face-crops';
import { FaceDetector } from './face-detector';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-crops-'));

beforeAll(async () => {
  await initBackend();
});

describe('extractFaceCrops', () => {
  it('112×112 centred squares when the video already shows a face (detector: null), sampled frames kept in order', async () => {
    const clip = generateTestClip(path.join(dir, 'colour.mp4'), { seconds: 1, fps: 10, width: 160, height: 120, videoSource: 'testsrc2' });
    const crops = await extractFaceCrops(clip, null, { size: 112, frameIndices: [2, 7] });
    expect(crops.indices).toEqual([2, 7]);
    expect(Array.from(crops.mask)).toEqual([1, 1]);
    expect(crops.pixels.length).toBe(2 * 112 * 112 * 3);
    // The crop's centre pixel is the frame's centre pixel, as decoded (up to resampling).
    let frame: Uint8Array | null = null;
    for await (const b of readVideoFrames(clip, { batchSize: 16 })) {
      frame = b.data.subarray(2 * b.height * b.width * 3, 3 * b.height * b.width * 3);
      const centre = (b.height / 2) * b.width * 3 + (b.width / 2) * 3;
      const c = 56 * 112 * 3 + 56 * 3;
      for (let ch = 0; ch < 3; ch++) expect(Math.abs(crops.pixels[c + ch] - frame[centre + ch])).toBeLessThan(40);
      break;
    }
    expect(frame).not.toBeNull();
  });

  it('224×224 with the detector: frames without a face are zero crops with mask 0', async () => {
    const detector = await FaceDetector.load();
    const clip = generateTestClip(path.join(dir, 'pattern.mp4'), { seconds: 0.6, fps: 10 });
    const crops = await extractFaceCrops(clip, detector, { size: 224 });
    expect(crops.indices).toHaveLength(6);
    expect(Array.from(crops.mask).every((m) => m === 0)).toBe(true);
    expect(crops.pixels.every((v) => v === 0)).toBe(true);
    detector.dispose();
  });
});
