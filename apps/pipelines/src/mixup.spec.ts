import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend } from '@mer/backend';
import { PipelineExtractor } from '@mer/feature-extractors';
import { mixupBatch, disposeMixed } from './mixup';
import { resolveRecipe } from './network-registry';
import { PipelineModel } from './pipeline-model';
import { BatchSource, trainModel, TrainingBatch } from './trainer';
import { trainingConfig } from './training-config';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('mixupBatch', () => {
  it('mixes every stream and the labels with one permutation and λ ~ Beta(α, α); masks are the union', async () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 2, 2]);
    const y = tf.tensor3d([0, 1, 2], [3, 1, 1]);
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    const mask = tf.tensor2d([1, 0, 1, 1, 0, 0], [3, 2]);
    const m = mixupBatch({ features: { x, y }, classLabels: labels, mask }, 0.4, createRng(5));
    // The same draws, replayed: λ first, then the permutation.
    const replay = createRng(5);
    const lambda = replay.beta(0.4, 0.4);
    const perm = replay.permutation(3);
    expect(m.lambda).toBe(lambda);
    expect(perm).not.toEqual([0, 1, 2]);
    expect(Array.from(await m.partnerLabels.data())).toEqual(perm);
    const xs = (await x.data()) as Float32Array;
    const mixed = (await m.features.x.data()) as Float32Array;
    for (let r = 0; r < 3; r++) for (let j = 0; j < 4; j++) expect(mixed[r * 4 + j]).toBeCloseTo(lambda * xs[r * 4 + j] + (1 - lambda) * xs[perm[r] * 4 + j], 5);
    expect(Array.from(await m.features.y.data())).toEqual(perm.map((p, r) => expect.closeTo(lambda * r + (1 - lambda) * p, 5)));
    const ms = [1, 0, 1, 1, 0, 0];
    expect(Array.from(await (m.mask as tf.Tensor2D).data())).toEqual([0, 1, 2].flatMap((r) => [0, 1].map((t) => Math.max(ms[r * 2 + t], ms[perm[r] * 2 + t]))));
    disposeMixed(m);
    expect(() => mixupBatch({ features: { x }, classLabels: labels }, 0, createRng(1))).toThrow(/alpha must be positive/);
    tf.dispose([x, y, labels, mask]);
  });
});

/** AVT-CA lite clips whose class is the sign pattern of the first two MFCC dimensions' means. */
class SignalBatches implements BatchSource {
  readonly size = 64;
  constructor(private readonly task: 'classification' | 'va' = 'classification') {}
  *batches(options: { batchSize: number; seed?: number }): Generator<TrainingBatch> {
    const rng = createRng(options.seed ?? 1);
    for (let b = 0; b < this.size / options.batchSize; b++) {
      const n = options.batchSize;
      const classes = Array.from({ length: n }, () => rng.int(4));
      const audio = tf.tidy(() => {
        const shift = tf.tensor3d(classes.flatMap((c) => [c & 1 ? 1.5 : -1.5, c & 2 ? 1.5 : -1.5, ...Array(8).fill(0)]), [n, 1, 10]);
        return tf.add(tf.randomNormal([n, 40, 10], 0, 1, 'float32', rng.int(1e6)), shift) as tf.Tensor3D;
      });
      const video = tf.zeros([n, 15, 256]) as tf.Tensor3D;
      const classLabels = this.task === 'classification' ? tf.tensor1d(classes, 'int32') : undefined;
      const frameLabels = this.task === 'va' ? (tf.zeros([n, 40, 2]) as tf.Tensor3D) : undefined;
      yield { features: { audio, video }, classLabels, frameLabels, ids: [], dispose: () => tf.dispose([audio, video, ...(classLabels ? [classLabels] : []), ...(frameLabels ? [frameLabels] : [])]) };
    }
  }
}

describe('training with mixup', () => {
  it('learns a separable signal, reproducibly; refused where labels are not single classes', async () => {
    const recipe = resolveRecipe('avt-ca');
    const extractor = await PipelineExtractor.create(recipe, { faces: 'none' });
    const streams = extractor.streams;
    extractor.dispose();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-mixup-'));
    const config = trainingConfig(recipe, { mixup: 0.4, epochs: 6, batchSize: 16, earlyStoppingPatience: null, scheduler: { kind: 'none' } });
    const run = async (name: string) => {
      const model = PipelineModel.create(recipe, 'lite', streams, { numClasses: 4, seed: 3 });
      const history = await trainModel(model, new SignalBatches(), config, { runDir: path.join(dir, name) });
      // Accuracy on fresh clips of the same signal.
      const [batch] = new SignalBatches().batches({ batchSize: 64, seed: 99 });
      const out = model.forward(batch);
      const predicted = out.kind === 'classification' ? Array.from(await tf.argMax(out.logits, -1).data()) : [];
      const truth = Array.from(await (batch.classLabels as tf.Tensor1D).data());
      const accuracy = predicted.filter((p, i) => p === truth[i]).length / truth.length;
      tf.dispose(out.kind === 'classification' ? out.logits : out.va);
      batch.dispose();
      model.dispose();
      return { losses: history.map((h) => h.trainLoss), accuracy };
    };
    const a = await run('a');
    const b = await run('b');
    expect(b.losses).toEqual(a.losses);
    expect(a.losses[a.losses.length - 1]).toBeLessThan(a.losses[0]);
    expect(a.accuracy).toBeGreaterThan(0.8); // chance 0.25
    const va = PipelineModel.create(recipe, 'lite', streams, { numClasses: 4, seed: 3 });
    await expect(trainModel(va, new SignalBatches('va'), config, { runDir: path.join(dir, 'va') })).rejects.toThrow(/mixup \(0.4\) is for single-label classification; this run's labels are per-frame values/);
    va.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
