import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { FeatureStore } from '@mer/datasets';
import { generateTestClip, variableRateTime } from '@mer/media';
import { PipelineExtractor } from './pipeline-extractor';
import { FRAME_PLAN, TWO_AUDIO_PLAN, CLIP_PLAN } from './fixtures/test-plans';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-pipe-fe-'));
const clip = generateTestClip(path.join(dir, 'talk.mp4'), { seconds: 2, fps: 10, toneHz: 330 });
const silentVideo = generateTestClip(path.join(dir, 'mute.mp4'), { seconds: 1.2, fps: 10, toneHz: false });

beforeAll(async () => {
  await initBackend();
});

describe('PipelineExtractor', () => {
  it('frame plan: visual/audio/text streams aligned to the decoded frames; transcript onto frame times', async () => {
    const ex = await PipelineExtractor.create(FRAME_PLAN);
    expect(ex.describe().join('\n')).toContain('offline default in place of Swin-B');
    const transcript = path.join(dir, 'talk.srt');
    fs.writeFileSync(transcript, '1\n00:00:00,500 --> 00:00:01,000\nhello there\n');
    const item = await ex.extract(clip, { transcript });
    expect(item.frames).toBe(20);
    expect(item.fps).toBe(10);
    expect(Object.keys(item.streams).sort()).toEqual(['audio', 'text', 'visual']);
    for (const s of Object.values(item.streams)) {
      expect(s.frames).toBe(20);
      expect(s.data.length).toBe(20 * s.dim);
    }
    // A test pattern has no face: every visual frame masked and reported.
    expect(item.streams['visual'].mask.every((m) => m === 0)).toBe(true);
    expect(item.notes).toContain('no face in 20/20 frames (masked)');
    expect(item.streams['audio'].mask.every((m) => m === 1)).toBe(true);
    // Speech from 0.5 s to 1.0 s → frames 5..9.
    expect(Array.from(item.streams['text'].mask)).toEqual(Array.from({ length: 20 }, (_, i) => (i >= 5 && i < 10 ? 1 : 0)));
    ex.dispose();
  });

  it("faces: 'none' embeds the centred frame; a video without audio is masked, not an error", async () => {
    const ex = await PipelineExtractor.create(TWO_AUDIO_PLAN, { faces: 'none' });
    const item = await ex.extract(silentVideo);
    expect(item.frames).toBe(12);
    expect(item.streams['visual'].mask.every((m) => m === 1)).toBe(true);
    expect(item.streams['visual'].data.some((v) => v !== 0)).toBe(true);
    expect(item.streams['vggish'].mask.every((m) => m === 0)).toBe(true);
    expect(item.notes).toContain('no audio track: audio features are silence, masked');
    ex.dispose();
  });

  it('clip plan: 15 sampled face frames and 156 MFCC frames per 3.6 s clip', async () => {
    const ex = await PipelineExtractor.create(CLIP_PLAN, { faces: 'none' });
    const item = await ex.extract(clip);
    expect(item.streams['video'].frames).toBe(15);
    expect(item.streams['audio'].frames).toBe(156);
    expect(item.streams['audio'].dim).toBe(10);
    // 2 s of video at 10 fps = 20 frames: the 15 sampled times stay inside the clip, ascending.
    expect(Array.from(item.times).every((t, i, a) => t < 2 && (i === 0 || t >= a[i - 1]))).toBe(true);
    ex.dispose();
  });

  it('variable frame rate: streams use the frames\' own times — a tone starting in the 3.4 s gap lands on the frames after the gap, none before', async () => {
    const vr = { after: 100, gap: 3.4, slowdown: 2 };
    const file = generateTestClip(path.join(dir, 'vfr.mp4'), {
      seconds: 5,
      fps: '30000/1001',
      variableRate: vr,
      audioLavfi: "aevalsrc='if(gte(t,4),0.5*sin(2*PI*440*t),0)':s=16000:d=10",
    });
    const ex = await PipelineExtractor.create(FRAME_PLAN, { faces: 'none' });
    const item = await ex.extract(file);
    expect(item.variableRate).toBe(true);
    expect(item.notes.join('\n')).toMatch(/variable frame rate: \d+\/150 frames are off the 14\.985 fps grid/);
    expect(item.times[50]).toBeCloseTo(variableRateTime(50, 30000 / 1001, vr), 3);
    // The loudest mel band per frame (of the 64 band means pooled over ±0.48 s around the frame).
    const audio = item.streams['audio'];
    const energy = Array.from({ length: item.frames }, (_, f) => Math.max(...audio.data.subarray(f * audio.dim, f * audio.dim + 64)));
    // Frames 0–99 (true times 0–3.3 s) are silent; index / average rate would put frames 60–99 at 4.0–6.6 s, in the tone.
    const silent = energy.filter((_, f) => item.times[f] < 3.4);
    const tone = energy.filter((_, f) => item.times[f] > 4.6);
    expect(silent.length).toBe(100);
    expect(tone.length).toBe(50);
    expect(Math.min(...tone)).toBeGreaterThan(Math.max(...silent) + 3);
    ex.dispose();
  });

  it('extractAll writes feature stores, resumes by skipping finished items, reports a broken file', async () => {
    const broken = path.join(dir, 'broken.mp4');
    fs.writeFileSync(broken, 'not a video at all');
    const root = path.join(dir, 'features');
    const ex = await PipelineExtractor.create(TWO_AUDIO_PLAN);
    const inputs = [
      { id: 'talk', file: clip },
      { id: 'broken', file: broken },
    ];
    const first = await ex.extractAll(inputs, root);
    expect(first.extracted).toEqual(['talk']);
    expect(first.failed).toHaveLength(1);
    expect(first.failed[0].error).toContain('broken.mp4');
    const again = await ex.extractAll(inputs, root);
    expect(again.skipped).toEqual(['talk']);
    const store = FeatureStore.read(root, 'vggish');
    expect(store.manifest.extractor).toBe('logmel-mean-std');
    expect(store.read('talk').frames).toBe(20);
    ex.dispose();
  });
});
