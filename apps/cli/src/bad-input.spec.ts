import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureStore } from '@mer/datasets';
import { generateTestClip } from '@mer/media';
import { createPipeline, generateVaDemo } from '@mer/pipelines';

const root = path.resolve(__dirname, '../../..');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 240_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bad-input-'));
const media = path.join(dir, 'media');
const run = path.join(dir, 'run');

/** Every bad or odd input, and what `mer predict` must say of it (null: it works, with this note). */
const corpus: { name: string; make: (file: string) => void; error?: RegExp; note?: RegExp }[] = [
  { name: 'truncated.mp4', make: (f) => fs.writeFileSync(f, fs.readFileSync(generateTestClip(path.join(dir, 'whole.mp4'), { seconds: 2 })).subarray(0, 3000)), error: /truncated\.mp4: (not a readable media file|.*decod|.*no video frames)/ },
  { name: 'empty.mp4', make: (f) => fs.writeFileSync(f, ''), error: /empty\.mp4: .*empty/ },
  { name: 'text.mp4', make: (f) => fs.writeFileSync(f, 'this is not a video\n'.repeat(50)), error: /text\.mp4: not a readable media file/ },
  { name: 'wav-named.mp4', make: (f) => fs.copyFileSync(generateTestClip(path.join(dir, 'tone.wav'), { seconds: 1 }), f), note: /no video stream/ },
  { name: 'no-audio.mp4', make: (f) => generateTestClip(f, { seconds: 1, toneHz: false }), note: /no audio track/ },
  { name: 'audio-only.m4a', make: (f) => fs.copyFileSync(generateTestClip(path.join(dir, 'tone2.wav'), { seconds: 1 }), f.replace(/m4a$/, 'wav')), note: /no video stream/ },
  { name: 'one-frame.mp4', make: (f) => generateTestClip(f, { seconds: 0.04, fps: 25 }) },
  { name: 'black-silent.mp4', make: (f) => generateTestClip(f, { seconds: 1, videoLavfi: 'color=c=black:s=160x120:r=25:d=1', toneHz: false }), note: /no audio track/ },
  { name: 'variable-rate.mp4', make: (f) => generateTestClip(f, { seconds: 2, fps: 10, variableRate: { after: 10, gap: 1, slowdown: 2 } }), note: /variable frame rate/ },
];

beforeAll(async () => {
  const items = generateVaDemo({ dir: path.join(dir, 'train'), train: 2, test: 0, seconds: 2 });
  const p = await createPipeline('tcn-fusion', { preset: 'lite', extractor: { faces: 'none' }, training: { epochs: 1, batchSize: 2, window: { size: 8, hop: 4 } } });
  await p.fit(items, { runDir: run });
  p.dispose();
  fs.mkdirSync(media, { recursive: true });
  for (const c of corpus) c.make(path.join(media, c.name));
});

const file = (name: string) => path.join(media, name.replace(/m4a$/, 'wav'));

describe('bad and odd input: clear messages naming the file, nothing half-written, the right exit code', () => {
  it('mer predict over the whole corpus: each bad file reported, every good one predicted', () => {
    const out = path.join(dir, 'preds');
    const r = mer('predict', '--run', run, '--out', out, ...corpus.map((c) => file(c.name)));
    expect(r.status).toBe(1); // some files failed
    const summary = fs.readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary).toHaveLength(corpus.length + 1);
    for (const c of corpus) {
      const f = file(c.name);
      const row = summary.find((l) => l.startsWith(`"${f}"`))!;
      const csv = path.join(out, `${path.basename(f).replace(/\.[^.]+$/, '')}.csv`);
      if (c.error) {
        expect(r.stderr).toMatch(new RegExp(`mer: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
        expect(r.stderr).toMatch(c.error);
        expect(row).toContain(',failed,');
        expect(fs.existsSync(csv)).toBe(false);
      } else {
        expect(row).toContain(',ok,');
        expect(fs.readFileSync(csv, 'utf8').split('\n')[0]).toBe('frame,timestamp,face_x,face_y,face_w,face_h,face_score,success,valence,arousal');
        if (c.note) expect(row).toMatch(c.note);
      }
    }
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('annotations: 3 columns, all −5, more rows than frames', () => {
    const aw = path.join(dir, 'affwild2');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(aw, rel)), { recursive: true });
      fs.writeFileSync(path.join(aw, rel), text);
    };
    generateTestClip(path.join(aw, 'videos', 'v1.mp4'), { seconds: 0.5, fps: 10 });
    write('VA_Estimation_Challenge/Train_Set/v1.txt', 'valence,arousal,expression\n0.1,0.2,3\n');
    let r = mer('extract', '--pipeline', 'tcn-fusion', '--dataset', `affwild2:${aw}`, '--out', path.join(dir, 'f1'), '--faces', 'none');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/v1\.txt line 1: expected header "valence,arousal"/);
    write('VA_Estimation_Challenge/Train_Set/v1.txt', 'valence,arousal\n-5,-5\n-5,-5\n');
    r = mer('extract', '--pipeline', 'tcn-fusion', '--dataset', `affwild2:${aw}`, '--out', path.join(dir, 'f2'), '--faces', 'none');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/train split has no labelled frame \(every value is −5\) in: .*v1\.txt/);
    write('VA_Estimation_Challenge/Train_Set/v1.txt', `valence,arousal\n${'0.1,0.2\n'.repeat(8)}`);
    r = mer('extract', '--pipeline', 'tcn-fusion', '--dataset', `affwild2:${aw}`, '--out', path.join(dir, 'f3'), '--faces', 'none');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('the annotation has 8 rows but the video decodes to 5 frames: rows 6–8 have no features (masked)');
    expect(r.stdout).toContain('no Validation_Set annotations');
  });

  it('a NaN in a feature file: training stops naming the file, frame and dimension', () => {
    const features = path.join(dir, 'f3');
    const store = FeatureStore.read(features, 'visual');
    // The first item's rows in its pack (the index line says where).
    const packs = path.join(store.dir, 'packs');
    const index = fs.readdirSync(packs).find((f) => f.endsWith('.idx.jsonl'))!;
    const first = JSON.parse(fs.readFileSync(path.join(packs, index), 'utf8').split('\n')[0]) as { offset: number };
    const f32 = path.join(packs, index.replace(/\.idx\.jsonl$/, '.f32'));
    const bytes = fs.readFileSync(f32);
    bytes.writeFloatLE(NaN, first.offset + 4 * 3);
    fs.writeFileSync(f32, bytes);
    const r = mer('train', '--features', features, '--out', path.join(dir, 'run-nan'), '--preset', 'lite', '--epochs', '1');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${f32}: value NaN at frame 0, dimension 3`);
  });
});
