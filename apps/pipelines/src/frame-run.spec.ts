import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { folderFiles, generateTestClip } from '@mer/media';
import { generateVaDemo } from './demo-data';
import { FrameRun, frameRunProblem } from './frame-run';
import { createPipeline } from './pipeline-loading';
import { readManifest } from './pipeline-manifest';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-frame-run-'));
// Each clip its own speaker (per-speaker training needs speakers).
const items = generateVaDemo({ dir: path.join(dir, 'va'), train: 3, test: 1, seconds: 3 }).map((i, k) => ({ ...i, speaker: `s${k}` }));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('FrameRun: a trained per-frame valence/arousal run predicting windows given as rows', () => {
  it.each([['split'], ['speaker']] as const)('predicts a window as `mer predict` predicts the recording (standardise: %s)', async (standardise) => {
    const runDir = path.join(dir, `run-${standardise}`);
    const p = await createPipeline('tcn-fusion', { preset: 'lite', extractor: { faces: 'none' }, training: { epochs: 1, batchSize: 2, learningRate: 1e-3, window: { size: 12, hop: 6 }, standardise } });
    await p.fit(items.filter((i) => i.split === 'train'), { runDir });
    // 11 frames: one window of the run's 12, so `mer predict` runs exactly the window the page would.
    const clip = generateTestClip(path.join(dir, `clip-${standardise}.mp4`), { seconds: 1.1, fps: 10, toneHz: 500 });
    const whole = await p.predict(clip, { streaming: false });
    if (whole.task !== 'va') throw new Error('expected VA predictions');
    const extracted = await p.extractRecording(clip);
    p.dispose();
    const manifest = readManifest(runDir);
    expect(manifest.training.standardise ?? 'split').toBe(standardise);
    expect(frameRunProblem(manifest)).toBeNull();
    const live = FrameRun.load(manifest, folderFiles(path.join(runDir, 'best')));
    try {
      expect(live.windowSize).toBe(12);
      const rows = Object.fromEntries(Object.entries(extracted.streams).map(([k, s]) => [k, { data: s.data, mask: s.mask, frames: s.frames }]));
      live.add(rows);
      const { va, notes } = await live.predict(rows);
      expect(va).toHaveLength(2 * 11);
      whole.frames.forEach((f, t) => {
        expect(Math.abs(va[2 * t] - f.valence)).toBeLessThan(1e-5);
        expect(Math.abs(va[2 * t + 1] - f.arousal)).toBeLessThan(1e-5);
      });
      if (standardise === 'speaker') {
        expect(notes).toContain("standardised with the statistics of this session's 11 frames");
        // Other frames in the session's statistics move the prediction.
        live.add(Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, { ...r, data: r.data.map((v) => 3 * v + 1) }])));
        const moved = await live.predict(rows);
        expect(Math.max(...Array.from(moved.va, (v, i) => Math.abs(v - va[i])))).toBeGreaterThan(1e-4);
      } else {
        expect(notes).toEqual([]);
      }
      await expect(live.predict(Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, { data: new Float32Array(13 * (r.data.length / r.frames)), frames: 13 }])))).rejects.toThrow(/a window of 13 frames, the run takes at most 12/);
    } finally {
      live.dispose();
    }
  }, 240_000);

  it('refuses a clip classifier and a committee, naming why', () => {
    const m = readManifest(path.join(dir, 'run-split'));
    expect(frameRunProblem({ ...m, pipeline: 'avt-ca', classes: ['a', 'b'] })).toMatch(/a 'classification' run \(avt-ca\): live frame scoring takes per-frame valence\/arousal runs/);
    expect(frameRunProblem({ ...m, committee: { members: 2 } as never })).toMatch(/a committee run \(2 members\)/);
  });
});
