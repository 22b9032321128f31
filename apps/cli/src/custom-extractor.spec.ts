import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';

const root = path.resolve(__dirname, '../../..');
const extractorFile = path.join(__dirname, 'fixtures', 'loudness-extractor.js');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 240_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-custom-extractor-'));

describe("a user's own extractor (defined outside mer)", () => {
  it('mer extractors lists it with its width once --extractor names the module', () => {
    const r = mer('--extractor', extractorFile, 'extractors', '--json');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { kind: string; modality: string; width: number | string; timings: string[] }[];
    expect(rows.find((x) => x.kind === 'loudness-zcr-centroid')).toEqual({ kind: 'loudness-zcr-centroid', modality: 'audio', timings: ['clip'], width: 3, about: expect.stringContaining('spectral centroid') });
    expect(rows.map((x) => x.kind)).toEqual(expect.arrayContaining(['face', 'mfcc', 'egemaps']));
  });

  it('CLI: --stream audio=<its kind> extracts with it, and train / eval / predict load it again from what the features recorded', () => {
    const data = path.join(dir, 'emodb');
    // EmoDB-named recordings (speakers 03/08, anger W vs sadness T) whose tone says the class.
    const names = ['03a01Wa', '03a02Wb', '03a04Wc', '08a01Wa', '08a02Wb', '03a01Ta', '03a02Tb', '03a04Tc', '08a01Ta', '08a02Tb'];
    for (const n of names) generateTestClip(path.join(data, `${n}.wav`), { seconds: 1, toneHz: n[5] === 'W' ? 1760 : 220 });
    const features = path.join(dir, 'features');
    let r = mer('--extractor', extractorFile, 'extract', '--pipeline', 'avt-ca', '--preset', 'lite', '--dataset', `emodb:${data}`, '--split', 'speaker:08', '--stream', 'audio=loudness-zcr-centroid', '--clip-seconds', '1', '--faces', 'none', '--jobs', '1', '--out', features);
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('10 extracted');
    const manifest = JSON.parse(fs.readFileSync(path.join(features, 'audio', 'manifest.json'), 'utf8')) as { extractor: string; dim: number };
    expect([manifest.extractor, manifest.dim]).toEqual(['loudness-zcr-centroid', 3]);
    const index = JSON.parse(fs.readFileSync(path.join(features, 'items.json'), 'utf8')) as { extractor: { modules: string[] } };
    expect(index.extractor.modules).toEqual([extractorFile]);

    // No --extractor from here on: the features folder names the module.
    const run = path.join(dir, 'run');
    r = mer('train', '--features', features, '--out', run, '--preset', 'lite', '--epochs', '4', '--select', 'last', '--json');
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    const saved = JSON.parse(fs.readFileSync(path.join(run, 'pipeline.json'), 'utf8')) as { streams: { name: string; extractor: string; dim: number }[] };
    expect(saved.streams.find((s) => s.name === 'audio')).toMatchObject({ extractor: 'loudness-zcr-centroid', dim: 3 });
    r = mer('eval', '--run', run, '--json');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { items: number }).items).toBe(4);
    r = mer('predict', '--run', run, '--out', path.join(dir, 'preds'), path.join(data, '03a01Wa.wav'));
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'preds', '03a01Wa.csv'), 'utf8').split('\n')[0]).toMatch(/^file,label,p_/);
  });
});
