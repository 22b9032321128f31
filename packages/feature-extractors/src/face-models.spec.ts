import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { initBackend } from '@mer/backend';
import { generateTestClip } from '@mer/media';
import { FaceDetector } from './face-detector';
import { FaceEmbedder } from './face-embedder';
import { faceModelsOnFirstUse } from './face-models';
import { OnFirstUse } from './first-use';
import { PipelineExtractor } from './pipeline-extractor';
import { writeHalfFaceClip } from './fixtures/face-clip';
import { CLIP_PLAN, FRAME_PLAN } from './fixtures/test-plans';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-face-models-'));
const wav = generateTestClip(path.join(dir, 'speech.wav'), { seconds: 4, toneHz: 300, audioSampleRate: 16000 });
const mp4 = writeHalfFaceClip(path.join(dir, 'face.mp4'), 4);

beforeAll(async () => {
  await initBackend();
});
afterEach(() => jest.restoreAllMocks());

describe('face streams open their models on the first video', () => {
  it.each([
    ['clip plan, faces detected', CLIP_PLAN, 'detect'],
    ['frame plan, centred crop', FRAME_PLAN, 'none'],
  ] as const)('%s: audio files open nothing; the first video opens them once; the stated width is the model’s', async (_, plan, faces) => {
    const embedders = jest.spyOn(FaceEmbedder, 'load');
    const detectors = jest.spyOn(FaceDetector, 'load');
    const x = await PipelineExtractor.create(plan, { faces });
    const visual = x.streams.find((s) => s.modality === 'visual')!;
    expect(visual.dim).toBe(256);
    const audioOnly = await x.extract(wav);
    expect(audioOnly.streams[visual.name].mask.every((m) => m === 0)).toBe(true);
    expect([embedders.mock.calls.length, detectors.mock.calls.length]).toEqual([0, 0]);
    const first = await x.extract(mp4);
    await x.extract(mp4);
    expect([embedders.mock.calls.length, detectors.mock.calls.length]).toEqual([1, faces === 'detect' ? 1 : 0]);
    const rows = first.streams[visual.name];
    expect(rows.data.length / rows.mask.length).toBe(visual.dim);
    expect(rows.mask.some((m) => m === 1)).toBe(true);
    x.dispose();
  });

  it('the widths mer states before loading are the shipped graphs’ own', async () => {
    for (const name of ['expression', 'faceres'] as const) {
      const e = await FaceEmbedder.load(name);
      expect(e.dim).toBe(FaceEmbedder.dimOf(name));
      e.dispose();
    }
  });

  it('a missing shipped graph fails when the stream is created, naming the file', () => {
    const missing = path.join(dir, 'no-such-model.json');
    expect(() => faceModelsOnFirstUse({ detect: false, graphs: [missing], embedder: async () => null })).toThrow(`${missing}: model file not found`);
  });
});

describe('OnFirstUse', () => {
  it('opens once for callers at the same time, releases what it opened, and a failed opening fails each call', async () => {
    const released: number[] = [];
    let opens = 0;
    const r = new OnFirstUse(async () => ++opens, (v) => released.push(v));
    expect(r.opened).toBe(false);
    r.dispose();
    expect(released).toEqual([]); // never opened: nothing to release

    const s = new OnFirstUse(async () => ++opens, (v) => released.push(v * 10));
    expect(await Promise.all([s.get(), s.get(), s.get()])).toEqual([1, 1, 1]);
    expect([opens, s.opened]).toEqual([1, true]);
    s.dispose();
    expect(released).toEqual([10]);
    await expect(s.get()).rejects.toThrow('after it was released');

    let failures = 0;
    const f = new OnFirstUse<number>(async () => {
      failures++;
      throw new Error('no driver');
    }, () => undefined);
    await expect(f.get()).rejects.toThrow('no driver');
    await expect(f.get()).rejects.toThrow('no driver');
    expect(failures).toBe(1);
  });

  it('released while opening: what opens is released at once', async () => {
    const released: string[] = [];
    let finish!: (v: string) => void;
    const r = new OnFirstUse(() => new Promise<string>((resolve) => (finish = resolve)), (v) => released.push(v));
    const pending = r.get();
    r.dispose();
    finish('session');
    await expect(pending).rejects.toThrow('released while it was opening');
    expect(released).toEqual(['session']);
  });
});
