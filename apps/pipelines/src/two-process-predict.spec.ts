import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateFfmpeg } from '@mer/media';
import { generateVaDemo } from './demo-data';
import { predictFiles } from './prediction-output';
import { extractDataset, trainRun } from './workflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-two-process-'));

/** 4 s of a real face (the portrait in human's FaceID screenshot, MIT) drifting across the frame, with a tone. */
function faceClip(file: string): string {
  const portrait = path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/screenshot-faceid.jpg');
  const filter = "[0]crop=160:160:4:132,scale=200:200[f];color=c=gray:s=640x360:r=15[bg];[bg][f]overlay=x='100+40*t':y=80:shortest=1,format=yuv420p[v]";
  execFileSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-y', '-loop', '1', '-i', portrait, '-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=16000:duration=4', '-filter_complex', filter, '-map', '[v]', '-map', '1:a', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', file]);
  return file;
}

describe('two processes for one video (mer predict --workers 2)', () => {
  it('gives the rows of one process (≤ 1e-5), faces found by the second process', async () => {
    const items = generateVaDemo({ dir: path.join(dir, 'data'), train: 2, test: 1, seconds: 2 });
    const features = path.join(dir, 'features');
    await extractDataset({ pipeline: 'tcn-fusion', dataset: 'demo', out: features, items, extractor: { faces: 'detect' } });
    const run = path.join(dir, 'run');
    await trainRun({ features, out: run, preset: 'lite', training: { epochs: 1, batchSize: 2, learningRate: 1e-3, window: { size: 16, hop: 8 } } });
    const clip = faceClip(path.join(dir, 'face.mp4'));
    const rows = async (workers: number) => {
      const out = path.join(dir, `out-${workers}`);
      const r = await predictFiles({ run, files: [clip], out, workers });
      expect(r.failed).toEqual([]);
      return fs.readFileSync(path.join(out, 'face.csv'), 'utf8').trim().split('\n');
    };
    const one = await rows(1);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fork = jest.spyOn(require('node:child_process'), 'fork');
    const two = await rows(2);
    expect(fork).toHaveBeenCalledTimes(1); // the detection process did run
    fork.mockRestore();
    expect(two[0]).toBe(one[0]);
    expect(two).toHaveLength(one.length);
    expect(one.length - 1).toBe(60);
    const success = one[0].split(',').indexOf('success');
    expect(one.slice(1).filter((l) => l.split(',')[success] === '1').length).toBeGreaterThanOrEqual(57);
    let worst = 0;
    one.slice(1).forEach((line, i) => {
      const a = line.split(',').map(Number);
      const b = two[i + 1].split(',').map(Number);
      a.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - b[k]))));
    });
    expect(worst).toBeLessThanOrEqual(1e-5);
  }, 240_000);
});
