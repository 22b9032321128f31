import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { specBackend } from '@mer/backend';
import { generateTestClip, probe } from '@mer/media';
import { generateVaDemo } from './demo-data';
import { predictFiles } from './prediction-output';
import { evalRun, extractDataset, trainRun } from './workflow';

/**
 * The whole library workflow on the specs' backend: wasm in `npm test`, webgpu in the CI's webgpu leg
 * (tools/ci/webgpu-leg.sh), where any synchronous tensor read on the way (extraction, training,
 * validation, evaluation, prediction) throws. Few, short, small clips: SwiftShader is slow.
 */
const B = specBackend();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-workflow-backend-'));
const items = generateVaDemo({ dir: path.join(dir, 'va'), train: 3, test: 1, seconds: 1.5, fps: 8, size: 48 });

describe(`extract → train → eval → predict on ${B} (library API)`, () => {
  it(`maven lite: 2 epochs, held-out CCC, a per-frame prediction; everything ran on ${B}`, async () => {
    const features = path.join(dir, 'features');
    const extracted = await extractDataset({ pipeline: 'maven', dataset: 'demo', out: features, items, extractor: { faces: 'none' } });
    expect(extracted.extracted).toHaveLength(4);
    expect(tf.getBackend()).toBe(B);

    const run = path.join(dir, 'run');
    const { history } = await trainRun({ features, out: run, preset: 'lite', training: { epochs: 2, batchSize: 2, learningRate: 3e-3, window: { size: 8, hop: 4 } } });
    expect(history.map((h) => h.epoch)).toEqual([1, 2]);
    history.forEach((h) => expect(Number.isFinite(h.trainLoss) && h.trainLoss > 0).toBe(true));

    const m = await evalRun({ run, split: 'test' });
    expect(m.items).toBe(1);
    expect(m.task === 'va' && Number.isFinite(m.va.ccc)).toBe(true);

    const clip = generateTestClip(path.join(dir, 'new.mp4'), { seconds: 1.2, fps: 8, width: 48, height: 48 });
    const {
      predictions: [pred],
    } = await predictFiles({ run, files: [clip], out: path.join(dir, 'preds') });
    if (pred.task !== 'va') throw new Error(`expected a VA prediction, got ${pred.task}`);
    const frames = (await probe(clip, { countFrames: true })).video?.frameCount ?? NaN;
    expect(frames).toBeGreaterThan(5);
    expect(pred.frameCount).toBe(frames);
    const csv = fs.readFileSync(path.join(dir, 'preds', 'new.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(frames + 1);
    expect(csv.slice(1).every((row) => row.split(',').slice(-2).every((v) => Number.isFinite(Number(v))))).toBe(true);
    expect(tf.getBackend()).toBe(B);
  }, 300_000);
});
