import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';

const root = path.resolve(__dirname, '../../..');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-kernel-cv-cli-'));

describe('mer cv --estimator kernel', () => {
  it('speech functionals → per-speaker kernel ridge, γ and λ chosen on training speakers only', () => {
    // EmoDB-named tones: each speaker has their own pitch, anger (W) is 1.6× it, sadness (T) 1×: raw
    // pitch overlaps across speakers (300 Hz is one's sadness, another's anger); per speaker it does not.
    const data = path.join(dir, 'emodb');
    const base: Record<string, number> = { '03': 150, '08': 190, '10': 240, '11': 300 };
    for (const [s, hz] of Object.entries(base)) {
      for (let i = 0; i < 3; i++) {
        generateTestClip(path.join(data, `${s}a0${i + 1}Wa.wav`), { seconds: 0.6, toneHz: Math.round(hz * 1.6 * (1 + 0.02 * i)) });
        generateTestClip(path.join(data, `${s}a0${i + 1}Ta.wav`), { seconds: 0.6, toneHz: Math.round(hz * (1 + 0.02 * i)) });
      }
    }
    const features = path.join(dir, 'features');
    let r = mer('extract', '--pipeline', 'avt-ca', '--dataset', `emodb:${data}`, '--out', features, '--faces', 'none', '--stream', 'audio=speech-functionals');
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    const out = path.join(dir, 'cv');
    r = mer('cv', '--features', features, '--out', out, '--estimator', 'kernel', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const folds = lines.slice(0, -1) as { heldOut: string[]; innerSpeakers: string[]; metrics: { uar: number } }[];
    expect(folds.map((f) => f.heldOut)).toEqual([['03'], ['08'], ['10'], ['11']]);
    for (const f of folds) {
      expect(f.innerSpeakers).not.toContain(f.heldOut[0]);
      expect(f.innerSpeakers).toHaveLength(3);
      expect(f.metrics.uar).toBe(1);
    }
    expect(lines.at(-1)).toMatchObject({ estimator: 'kernel-ridge', scheme: 'loso', folds: 4, summary: { uar: { mean: 1 } } });
    expect(fs.existsSync(path.join(out, 'kernel-cv.json'))).toBe(true);
  });
});
