// The dataset registry's proof: a user's reader for a folder of WAVs plus a labels.csv, defined outside
// mer (fixtures/wav-csv-dataset.ts) and loaded with --dataset-module, is listed by `mer datasets` and
// goes through extract → train → eval like a built-in dataset.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';

const root = path.resolve(__dirname, '../../..');
const readerFile = path.join(__dirname, 'fixtures', 'wav-csv-dataset.ts');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-custom-dataset-'));

// Three speakers × (calm: a low tone, angry: a high one) × 2 takes, listed in labels.csv.
const data = path.join(dir, 'my-corpus');
const rows = ['s1', 's2', 's3'].flatMap((speaker) =>
  ['calm', 'angry', 'calm', 'angry'].map((emotion, k) => {
    const file = `${speaker}_${k + 1}_${emotion}.wav`;
    generateTestClip(path.join(data, file), { seconds: 1, toneHz: emotion === 'angry' ? 880 : 220 });
    return { file, speaker, emotion };
  }),
);
fs.writeFileSync(path.join(data, 'labels.csv'), ['file,speaker,emotion', ...rows.map((r) => `${r.file},${r.speaker},${r.emotion}`)].join('\n') + '\n');

interface Index {
  dataset: string;
  classes: string[];
  items: { id: string; file: string; speaker: string; classLabel: number; split: string }[];
}

describe("a user's own dataset reader (defined outside mer, loaded with --dataset-module)", () => {
  it('`mer datasets` lists the built-in datasets, and the module adds its own', () => {
    let r = mer('datasets', '--json');
    expect(r.status).toBe(0);
    const builtIn = JSON.parse(r.stdout) as { name: string; folds?: { count: number } }[];
    expect(builtIn.map((d) => [d.name, d.folds?.count])).toEqual([
      ['ravdess', 6],
      ['crema-d', undefined],
      ['emodb', undefined],
      ['affwild2', 6],
      ['cmu-mosei', undefined],
    ]);
    r = mer('--dataset-module', readerFile, 'datasets');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('wav-csv:<root>  WAVs + labels.csv\n  a folder of .wav files and labels.csv (file,speaker,emotion)\n  labels: classes (2: calm, angry)');
    expect(r.stdout).toContain('ravdess:<root>  RAVDESS');
    expect(mer('datasets', '--help').stdout).toMatch(/Examples:\n\s+\$ mer datasets/);
  });

  it('extract (two worker processes, each loading the module) → train → eval on its items, its classes, its speakers', () => {
    const features = path.join(dir, 'features');
    let r = mer('--dataset-module', readerFile, 'extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `wav-csv:${data}`, '--split', 'speaker:s3', '--out', features, '--faces', 'none', '--clip-seconds', '1', '--clip-frames', '5', '--jobs', '2');
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('12 extracted by 2 processes, 0 already done (skipped), 0 failed');
    // The features folder holds exactly the CSV's rows: ids, files, speakers, labels; s3 held out.
    const index = JSON.parse(fs.readFileSync(path.join(features, 'items.json'), 'utf8')) as Index;
    expect(index.dataset).toBe(`wav-csv:${data}`);
    expect(index.classes).toEqual(['calm', 'angry']);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(index.items.map((i) => ({ id: i.id, file: i.file, speaker: i.speaker, classLabel: i.classLabel, split: i.split })).sort(byId)).toEqual(
      rows.map((x) => ({ id: x.file.replace('.wav', ''), file: path.join(data, x.file), speaker: x.speaker, classLabel: x.emotion === 'calm' ? 0 : 1, split: x.speaker === 's3' ? 'test' : 'train' })).sort(byId),
    );
    // Training needs no module: the folder carries items, labels and speakers.
    const run = path.join(dir, 'run');
    r = mer('train', '--features', features, '--out', run, '--preset', 'lite', '--epochs', '3', '--json');
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { epoch: number }).epoch)).toEqual([1, 2, 3]);
    r = mer('eval', '--run', run, '--split', 'test', '--json');
    expect(r.status).toBe(0);
    const m = JSON.parse(r.stdout) as { items: number; labels: string[]; confusionMatrix: number[][]; figures: string };
    expect(m.items).toBe(4);
    expect(m.labels).toEqual(['calm', 'angry']);
    // Speaker s3's two calm and two angry takes, each counted once.
    expect(m.confusionMatrix.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([2, 2]);
    expect(m.figures).toBe('held-out');
  });

  it("bad input is the reader's error, naming the file and line; without the module the name is unknown", () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'labels.csv'), 'file,speaker,emotion\ns1_1_calm.wav,s1,calm\ns1_2.wav,s1,happy\n');
    let r = mer('--dataset-module', readerFile, 'extract', '--pipeline', 'avt-ca', '--dataset', `wav-csv:${bad}`, '--out', path.join(dir, 'x'), '--jobs', '1');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`mer: ${path.join(bad, 'labels.csv')} line 2: s1_1_calm.wav not found in ${bad}`);
    r = mer('extract', '--pipeline', 'avt-ca', '--dataset', `wav-csv:${data}`, '--out', path.join(dir, 'x'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`mer: --dataset 'wav-csv:${data}': expected <kind>:<root> with kind one of ravdess, crema-d, emodb, affwild2, cmu-mosei`);
  });
});
