import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';

const root = path.resolve(__dirname, '../../..');
const mer = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-first-hour-'));
const features = path.join(dir, 'features');
const config = (name: string, value: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
};

beforeAll(() => {
  const data = path.join(dir, 'emodb');
  for (const n of ['03a01Wa', '03a02Wb', '03a01Ta', '03a02Tb', '10a01Wa', '10a01Ta', '08a01Wa', '08a01Ta']) generateTestClip(path.join(data, `${n}.wav`), { seconds: 1, toneHz: n[5] === 'W' ? 880 : 220 });
  const r = mer('extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `emodb:${data}`, '--split', 'speaker:08', '--out', features, '--faces', 'none', '--jobs', '1');
  if (r.status !== 0) throw new Error(r.stderr);
}, 180_000);

describe('options and configs are checked before anything is written', () => {
  it('--version prints the package version', () => {
    const r = mer('--version');
    expect(r.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as { version: string }).version);
  });

  it('CLI numbers out of range are refused, naming the option', () => {
    const out = path.join(dir, 'run-zero');
    let r = mer('train', '--features', features, '--out', out, '--epochs', '0');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("option '--epochs <n>' argument '0' is invalid. expected a whole number ≥ 1.");
    expect(fs.existsSync(out)).toBe(false);
    r = mer('analyze', 'x.mp4', '--workers', '3');
    expect(r.stderr).toContain("option '--workers <n>' argument '3' is invalid. expected a whole number from 1 to 2.");
    r = mer('analyze', 'x.mp4', '--detect-every', '0');
    expect(r.stderr).toContain("option '--detect-every <n>' argument '0' is invalid");
    r = mer('demo', '--epochs', '0');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("option '--epochs <n>' argument '0' is invalid");
  });

  it('a misspelled or mistyped --config key is an error naming the file, the key and the nearest valid key; nothing is written', () => {
    const out = path.join(dir, 'run-bad-config');
    let r = mer('train', '--features', features, '--out', out, '--config', config('typo.json', { learningrate: 0.01 }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("typo.json:\n  learningrate: unknown key — did you mean 'learningRate'?");
    r = mer('train', '--features', features, '--out', out, '--config', config('type.json', { learningRate: 'abc' }));
    expect(r.stderr).toContain('learningRate: expected a number > 0, got "abc"');
    r = mer('train', '--features', features, '--out', out, '--preset', 'lite', '--config', config('model.json', { model: { poolng: 'mean' } }));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/avt-ca: model overrides for preset 'lite':\n {2}poolng: unknown key — did you mean 'pooling'\?/);
    expect(fs.existsSync(path.join(out, 'pipeline.json'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'source.json'))).toBe(false);
  });
});

describe('run folders are not replaced silently', () => {
  const out = path.join(dir, 'run');

  it('train refuses an existing run; --overwrite replaces it; --resume honours more epochs and refuses another preset', () => {
    let r = mer('train', '--features', features, '--out', out, '--preset', 'lite', '--epochs', '1');
    expect(r.status).toBe(0);
    r = mer('train', '--features', features, '--out', out, '--preset', 'lite', '--epochs', '1');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${out} already holds a run (pipeline.json, metrics.jsonl, checkpoint, best, source.json); continue it with --resume, replace it with --overwrite, or use another --out`);
    r = mer('train', '--features', features, '--out', out, '--resume', '--preset', 'features');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--resume continues the run as it was started; it has preset 'lite', not 'features'");
    r = mer('train', '--features', features, '--out', out, '--resume', '--epochs', '2');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('note: resuming with 2 epochs (the run was started with 1)');
    expect(fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    r = mer('train', '--features', features, '--out', out, '--preset', 'lite', '--epochs', '1', '--overwrite');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  }, 300_000);

  it('cv reuses folds only under the same settings; --overwrite starts over', () => {
    const cv = path.join(dir, 'cv');
    let r = mer('cv', '--features', features, '--out', cv, '--folds', 'loso', '--preset', 'lite', '--epochs', '1', '--json');
    expect(r.status).toBe(0);
    r = mer('cv', '--features', features, '--out', cv, '--folds', 'loso', '--preset', 'lite', '--epochs', '1', '--json');
    expect(r.stdout.split('\n').filter((l) => l.includes('"status":"done"'))).toHaveLength(3);
    r = mer('cv', '--features', features, '--out', cv, '--folds', 'loso', '--preset', 'lite', '--epochs', '2', '--json');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('its folds were run with other settings (training {"epochs":1} → {"epochs":2}); use another --out, or --overwrite to start over');
    r = mer('cv', '--features', features, '--out', cv, '--folds', 'loso', '--preset', 'lite', '--epochs', '2', '--overwrite', '--json');
    expect(r.status).toBe(0);
    const folds = r.stdout.trim().split('\n').slice(0, -1).map((l) => JSON.parse(l) as { status: string; epochs: number });
    expect(folds.map((f) => [f.status, f.epochs])).toEqual([['new', 2], ['new', 2], ['new', 2]]);
  }, 300_000);

  it('extract into a folder of other features is refused with the way out, and --overwrite replaces them', () => {
    const data = path.join(dir, 'emodb');
    let r = mer('extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `emodb:${data}`, '--out', features, '--faces', 'none', '--clip-seconds', '1', '--jobs', '1');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Use another output folder, or replace them (mer extract --overwrite).');
    r = mer('extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `emodb:${data}`, '--out', features, '--faces', 'none', '--clip-seconds', '1', '--jobs', '1', '--overwrite');
    expect(r.status).toBe(0);
    // One line for the eight audio-only files, not eight; every item's notes in the folder's report.
    expect(r.stdout).toContain('  no video stream: video features masked — 8 items (');
    expect(r.stdout.match(/no video stream/g)).toHaveLength(1);
    expect(Object.keys((JSON.parse(fs.readFileSync(path.join(features, 'extract-report.json'), 'utf8')) as { notes: object }).notes)).toHaveLength(8);
    const audio = JSON.parse(fs.readFileSync(path.join(features, 'audio', 'manifest.json'), 'utf8')) as { config: { seconds: number } };
    expect(audio.config.seconds).toBe(1);
  }, 180_000);
});
