import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { clipFrameIndices, FeatureStore } from '@mer/datasets';
import { probe } from '@mer/media';
import type { ExtractionPlan } from './extraction-types';
import { getExtractor } from './extractor-registry';
import { extractFaceCrops } from './face-crops';
import { FaceDetector } from './face-detector';
import { writeHalfFaceClip } from './fixtures/face-clip';
import { PipelineExtractor } from './pipeline-extractor';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-face-crops-'));
const clip = path.join(dir, 'half-face.mp4');
const SIZE = 48;
/** Six frames over the clip's 2 s: the face is there in the first three, gone in the last three. */
const plan: ExtractionPlan = {
  name: 'test-crops',
  timing: { kind: 'clip', seconds: 2, frames: 6 },
  streams: [
    { name: 'video', modality: 'visual', extractor: 'face-crops' },
    { name: 'audio', modality: 'audio', extractor: 'mfcc' },
  ],
};

beforeAll(async () => {
  await initBackend();
  writeHalfFaceClip(clip);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('face-crops extractor', () => {
  it('is registered as a pixel stream of S·S·3 values', () => {
    expect(getExtractor('face-crops')).toMatchObject({ modality: 'visual', timings: ['clip'], values: 'pixels' });
  });

  it('stores each sampled frame’s face crop exactly as extractFaceCrops cuts it (uint8), masked where no face; a rerun resumes', async () => {
    const ex = await PipelineExtractor.create(plan, { cropSize: SIZE });
    try {
      const video = ex.streams.find((s) => s.name === 'video')!;
      expect(video).toMatchObject({ extractor: 'blazeface+pixels', dim: SIZE * SIZE * 3, values: 'pixels', shape: [SIZE, SIZE, 3] });
      const out = path.join(dir, 'features');
      const report = await ex.extractAll([{ id: 'a', file: clip }], out);
      expect(report.extracted).toEqual(['a']);
      const store = FeatureStore.read(out, 'video');
      expect(store.manifest).toMatchObject({ values: 'pixels', dtype: 'uint8', shape: [SIZE, SIZE, 3] });
      // One byte a pixel on disk, and only for the three frames with a face.
      const packs = path.join(out, 'video', 'packs');
      const u8 = fs.readdirSync(packs).filter((f) => f.endsWith('.u8'));
      expect(u8.length).toBe(1);
      expect(fs.statSync(path.join(packs, u8[0])).size).toBe(3 * SIZE * SIZE * 3);
      const stored = store.read('a');

      // What @mer/feature-extractors computes for the same frames.
      const info = await probe(clip, { countFrames: true });
      const indices = clipFrameIndices(info.video!.frameCount, info.video!.fps, { seconds: 2, frames: 6 });
      const detector = await FaceDetector.load();
      const crops = await extractFaceCrops(clip, detector, { frameIndices: [...new Set(indices)].sort((x, y) => x - y), info, size: SIZE });
      detector.dispose();
      const row = SIZE * SIZE * 3;
      expect(Array.from(stored.mask)).toEqual(indices.map((fi) => crops.mask[crops.indices.indexOf(fi)]));
      expect(Array.from(stored.mask)).toEqual([1, 1, 1, 0, 0, 0]);
      indices.forEach((fi, r) => {
        const k = crops.indices.indexOf(fi);
        expect(Buffer.from(Uint8Array.from(stored.data.subarray(r * row, (r + 1) * row)))).toEqual(Buffer.from(crops.pixels.subarray(k * row, (k + 1) * row)));
      });
      // A face row holds a picture, a faceless row only zeros.
      expect(stored.data.subarray(0, row).some((v) => v > 0)).toBe(true);
      expect(stored.data.subarray(3 * row).every((v) => v === 0)).toBe(true);

      const again = await ex.extractAll([{ id: 'a', file: clip }, { id: 'b', file: clip }], out);
      expect([again.skipped, again.extracted]).toEqual([['a'], ['b']]);
      expect(Array.from(FeatureStore.read(out, 'video').read('b').data)).toEqual(Array.from(stored.data));
    } finally {
      ex.dispose();
    }
  }, 120000);

  it('a folder of crops is refused for a setup that takes face embeddings', async () => {
    const out = path.join(dir, 'features');
    const embeddings: ExtractionPlan = { ...plan, streams: [{ name: 'video', modality: 'visual', extractor: 'face' }, plan.streams[1]] };
    expect(() => PipelineExtractor.recordedIn(out, embeddings)).toThrow(/stream 'video' holds images \(blazeface\+pixels, \[48, 48, 3\]\), but this setup takes features from extractor 'face'/);
    expect(PipelineExtractor.recordedIn(out, plan)!.find((s) => s.name === 'video')).toMatchObject({ values: 'pixels', shape: [SIZE, SIZE, 3], dim: SIZE * SIZE * 3 });
  });
});
