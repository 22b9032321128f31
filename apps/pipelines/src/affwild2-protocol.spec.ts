import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { affWild2FoldSplit, affWild2Items, FeatureStore } from '@mer/datasets';
import { generateTestClip, locateFfmpeg } from '@mer/media';
import { createPipeline } from './pipeline-loading';
import { extractDataset, readFeatureIndex } from './workflow';

let root: string;
const write = (rel: string, text: string) => {
  const f = path.join(root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
};
const rows = (n: number, v = 0.2) => `valence,arousal\n${Array.from({ length: n }, (_, i) => `${v},${(i % 3) / 10}`).join('\n')}\n`;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-aw2-protocol-'));
});

describe('Aff-Wild2 as the papers use it', () => {
  it('Validation_Set optional; all −5 items listed; a split with no labelled frame names its files', () => {
    write('VA_Estimation_Challenge/Train_Set/video1.txt', rows(4));
    write('VA_Estimation_Challenge/Train_Set/video2_left.txt', 'valence,arousal\n-5,-5\n-5,-5\n');
    write('videos/video1.mp4', 'x');
    write('videos/video2.mp4', 'x');
    const { items, notes } = affWild2Items(root);
    expect(items.map((i) => [i.id, i.split, i.person])).toEqual([
      ['video1', 'train', undefined],
      ['video2_left', 'train', 'left'],
    ]);
    expect(notes.join('\n')).toContain('no Validation_Set annotations');
    expect(notes.join('\n')).toContain('video2_left.txt: every frame is −5');
    fs.writeFileSync(path.join(root, 'VA_Estimation_Challenge/Train_Set/video1.txt'), 'valence,arousal\n-5,-5\n');
    expect(() => affWild2Items(root)).toThrow(/train split has no labelled frame \(every value is −5\) in: .*video1\.txt, .*video2_left\.txt/);
  });

  it("TCN-fusion's six folds: five chunks of the training videos (left/right together) and the validation set", () => {
    const items = [
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((v) => ({ id: v, split: 'train' })),
      { id: 'c_left', split: 'train' },
      { id: 'v1', split: 'validation' },
    ];
    const videoOf = (id: string) => id.replace(/_left$/, '');
    const held = (fold: number) => [...affWild2FoldSplit(items, videoOf, fold)].filter(([, s]) => s === 'validation').map(([id]) => id);
    expect([1, 2, 3, 4, 5, 6].map(held)).toEqual([['a', 'b'], ['c', 'd', 'c_left'], ['e', 'f'], ['g', 'h'], ['i', 'j'], ['v1']]);
    expect(() => held(7)).toThrow('Aff-Wild2 folds are 1–6');
  });

  it('cropped_aligned: one embedded crop per annotation row, rows without a crop masked (the default when the folder exists)', async () => {
    generateTestClip(path.join(root, 'videos/video7.mp4'), { seconds: 0.5, fps: 10 });
    write('VA_Estimation_Challenge/Train_Set/video7.txt', rows(5));
    const { ffmpeg } = locateFfmpeg();
    for (const [n, colour] of [[1, 'red'], [2, 'green'], [4, 'blue']] as const) {
      const f = path.join(root, `cropped_aligned/video7/${String(n).padStart(5, '0')}.jpg`);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      spawnSync(ffmpeg, ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=${colour}:s=112x112:d=0.04`, '-frames:v', '1', f]);
    }
    const out = path.join(root, 'features');
    const report = await extractDataset({ pipeline: 'tcn-fusion', dataset: `affwild2:${root}`, out });
    expect(report.failed).toEqual([]);
    expect(readFeatureIndex(out).extractor.faces).toBe('cropped-aligned');
    const visual = FeatureStore.read(out, 'visual');
    expect(visual.manifest.extractor).toBe('cropped-aligned+expression');
    const s = visual.read('video7');
    expect(s.frames).toBe(5);
    expect(Array.from(s.mask)).toEqual([1, 1, 0, 1, 0]);
    const row = (r: number) => Array.from(s.data.subarray(r * s.dim, (r + 1) * s.dim));
    expect(row(0)).not.toEqual(row(1)); // red and green crops embed differently
    expect(row(2).every((v) => v === 0)).toBe(true);
    // Audio rows follow the annotation too.
    expect(FeatureStore.read(out, 'vggish').read('video7').frames).toBe(5);
  });

  it('training on items without one labelled frame is refused, naming the files', async () => {
    const p = await createPipeline('maven', { preset: 'lite', extractor: { faces: 'none' } });
    const file = generateTestClip(path.join(root, 'x.mp4'), { seconds: 0.5, fps: 10 });
    await expect(p.fit([{ id: 'x', file, frameLabels: new Float32Array(10).fill(-5) }])).rejects.toThrow(`the training items have no labelled frame (every value is −5): ${file}`);
    p.dispose();
  });
});
