/**
 * `npx tsx tools/bench/avt-ca-crops.ts [clip.mp4] [--batches 1]`: AVT-CA's two kinds of extracted video on one clip —
 * the paper preset's face crops (224×224 pixels a frame, uint8) and the lite preset's face embeddings
 * (256-d float32) — extraction seconds and store bytes per clip each; then one training step of the
 * paper preset (EfficientFace-style branch on 15 crops a clip, Adam) on wasm at batch 1 (`--batches 1,2`
 * for more: batch 2 needs ~4.7 GB of activations, past wasm's 4 GB heap — `mer train` refuses it, naming
 * batch 1 — and aborts the process here).
 * Default clip: ../shared/data/clips/ravdess-01-01-01-01-01-01-01.mp4. A benchmark, not a test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, initBackend } from '@mer/backend';
import { createAvtCaModel } from '@mer/avt-ca';
import { crossEntropyLoss } from '@mer/heads';
import { extractDataset } from '@mer/pipelines';

const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === name);
const batches = (arg('--batches') ?? '1').split(',').map(Number).filter((b) => b > 0);
const clip = path.resolve(process.argv.slice(2).find((a) => a.endsWith('.mp4')) ?? path.join(__dirname, '../../../shared/data/clips/ravdess-01-01-01-01-01-01-01.mp4'));

function bytesUnder(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytesUnder(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
}

async function main(): Promise<void> {
  await initBackend({ backend: 'wasm' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bench-crops-'));
  // The clip three times under three ids: the first includes loading the models, the others are per clip.
  const items = ['a', 'b', 'c'].map((id) => ({ id, file: clip, classLabel: 0, split: 'train' }));
  for (const preset of ['paper', 'lite']) {
    const out = path.join(tmp, preset);
    const done: number[] = [];
    const t0 = Date.now();
    const r = await extractDataset({ pipeline: 'avt-ca', dataset: 'demo', out, items, classes: ['neutral'], preset, onItem: () => done.push(Date.now()) });
    if (r.failed.length > 0) throw new Error(r.failed[0].error);
    const perClip = (done[2] - done[0]) / 2000;
    const video = JSON.parse(fs.readFileSync(path.join(out, 'video', 'manifest.json'), 'utf8')) as { extractor: string; dim: number };
    const kib = (dir: string) => bytesUnder(path.join(out, dir, 'packs')) / 3 / 1024;
    console.log(`${preset}: video ${video.extractor} (${video.dim} values a frame): ${perClip.toFixed(2)} s a clip (first ${((done[0] - t0) / 1000).toFixed(1)} s with model loading); per clip video ${kib('video').toFixed(0)} KiB, audio ${kib('audio').toFixed(1)} KiB`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  const model = createAvtCaModel('paper', { numClasses: 8 });
  const opt = new AdamW({ learningRate: 0.01, weightDecay: 0 });
  for (const batch of batches) {
    const audio = tf.randomNormal([batch, 156, 10]);
    const video = tf.randomUniform([batch, 15, 224, 224, 3], 0, 255);
    const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 8), 'int32');
    const step = async () => {
      const t0 = Date.now();
      const cost = opt.minimize(() => crossEntropyLoss(model.apply([audio, video], { training: true }) as tf.Tensor, labels) as tf.Scalar, true, model.variables());
      await cost!.data();
      cost!.dispose();
      return (Date.now() - t0) / 1000;
    };
    const warm = await step();
    const times = [await step(), await step()];
    console.log(`paper preset train step on wasm, batch ${batch} (15 crops of 224×224 a clip): ${times.map((t) => t.toFixed(1)).join(', ')} s (first step ${warm.toFixed(1)} s)`);
    tf.dispose([audio, video, labels]);
  }
  console.log(`parameters: ${(model.parameterCount() / 1e6).toFixed(2)} M`);
  opt.dispose();
  model.dispose();
}

void main();
