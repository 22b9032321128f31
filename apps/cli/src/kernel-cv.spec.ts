import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeEmoDbTones } from './fixtures/emodb-tones';

const root = path.resolve(__dirname, '../../..');
const mer = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-kernel-cv-cli-'));

describe('mer cv --estimator kernel', () => {
  it('speech functionals → per-speaker kernel ridge, γ and λ chosen on training speakers only', () => {
    // EmoDB-named tones, each speaker at their own pitch: anger is 1.6× it, sadness 1×.
    const data = writeEmoDbTones(path.join(dir, 'emodb'));
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
