import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeEmoDbTones } from './fixtures/emodb-tones';

const root = path.resolve(__dirname, '../../..');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-speech-kernel-'));

describe('the speech-kernel recipe through the CLI (closed-form training)', () => {
  it('extract (the audio-only default) → train (one closed-form fit, γ and λ by inner LOSO) → eval → predict', () => {
    // EmoDB-named tones, each speaker at their own pitch: anger is 1.6× it, sadness 1×.
    const data = writeEmoDbTones(path.join(dir, 'emodb'));
    const features = path.join(dir, 'features');
    // No --pipeline: a corpus of WAVs takes the audio-only default, and says by which rule.
    let r = mer('extract', '--dataset', `emodb:${data}`, '--split', 'speaker:11', '--out', features, '--faces', 'none', '--jobs', '1');
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pipeline: speech-kernel — the default for audio-only corpora: ranked first by inner leave-one-speaker-out UAR/m);
    expect(JSON.parse(fs.readFileSync(path.join(features, 'items.json'), 'utf8'))).toMatchObject({ pipeline: 'speech-kernel' });
    const run = path.join(dir, 'run');
    r = mer('train', '--features', features, '--out', run, '--json');
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    const epochs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; best: boolean; closedForm: { note: string; innerScore: number } });
    expect(epochs).toHaveLength(1);
    expect(epochs[0]).toMatchObject({ epoch: 1, best: true });
    // Inner leave-one-speaker-out over the training speakers (03, 08, 10 minus the inner validation one), never 11.
    expect(epochs[0].closedForm.note).toMatch(/chosen by mean UAR of leave-one-group-out over the \d groups given \((03|08|10)(, (03|08|10))*\)/);
    r = mer('eval', '--run', run, '--json');
    expect(r.status).toBe(0);
    const m = JSON.parse(r.stdout) as { items: number; uar: number };
    expect(m.items).toBe(6);
    expect(m.uar).toBe(1);
    r = mer('predict', '--run', run, '--out', path.join(dir, 'preds'), path.join(data, '11a01Wa.wav'));
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'preds', '11a01Wa.csv'), 'utf8').split('\n')[0]).toMatch(/^file,label,p_/);
  });
});
