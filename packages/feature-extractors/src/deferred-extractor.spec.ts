import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { FeatureStore } from '@mer/datasets';
import { generateTestClip } from '@mer/media';
import { PipelineExtractor } from './pipeline-extractor';
import { FRAME_PLAN } from './fixtures/test-plans';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-deferred-'));
const a = generateTestClip(path.join(dir, 'a.mp4'), { seconds: 1, fps: 10, toneHz: 300 });
const b = generateTestClip(path.join(dir, 'b.mp4'), { seconds: 1, fps: 10, toneHz: 500 });

beforeAll(async () => {
  await initBackend();
});

describe('PipelineExtractor.deferred: stored features need no model', () => {
  it("a features folder's manifests give the streams; complete items load nothing, a new item loads and matches", async () => {
    const root = path.join(dir, 'features');
    const eager = await PipelineExtractor.create(FRAME_PLAN, { faces: 'none' });
    await eager.extractAll([{ id: 'a', file: a }], root);
    const recorded = PipelineExtractor.recordedIn(root, FRAME_PLAN)!;
    expect(recorded).toEqual(eager.streams); // names, extractors, widths, configs and what they stand in for
    expect(PipelineExtractor.recordedIn(path.join(dir, 'nothing'), FRAME_PLAN)).toBeNull();

    const deferred = PipelineExtractor.deferred(FRAME_PLAN, { faces: 'none' }, recorded);
    const report = await deferred.extractAll([{ id: 'a', file: a }], root);
    expect([report.skipped, deferred.loaded]).toEqual([['a'], false]);
    await deferred.extractAll([{ id: 'b', file: b }], root);
    expect(deferred.loaded).toBe(true);
    const mine = FeatureStore.read(root, 'audio').read('b');
    const theirs = await eager.extract(b);
    expect(Array.from(mine.data)).toEqual(Array.from(theirs.streams['audio'].data));
    eager.dispose();
    deferred.dispose();
  });

  it('refuses to write into a folder what other options compute, and to predict with another width', async () => {
    const root = path.join(dir, 'features');
    const recorded = PipelineExtractor.recordedIn(root, FRAME_PLAN)!;
    const other = PipelineExtractor.deferred(FRAME_PLAN, { faces: 'none', detectEvery: 3 }, recorded);
    await expect(other.extractAll([{ id: 'c', file: b }], root)).rejects.toThrow(/stream 'visual' was written by centre-crop\+expression \(config [0-9a-f]{16}\); these options compute centre-crop\+expression \(config [0-9a-f]{16}\)/);
    other.dispose();
    const wider = PipelineExtractor.deferred(FRAME_PLAN, { faces: 'none', visualModel: 'faceres' }, recorded);
    await expect(wider.extract(a)).rejects.toThrow("test-frames: stream 'visual' was recorded 256-d (centre-crop+expression) but these options compute 1024-d (centre-crop+faceres)");
    wider.dispose();
    expect(() => PipelineExtractor.deferred(FRAME_PLAN, {}, recorded.slice(1))).toThrow("test-frames: no recorded stream 'visual'");
  });
});
