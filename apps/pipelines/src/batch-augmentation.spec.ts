import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng, initBackend } from '@mer/backend';
import type { FeatureSource } from '@mer/datasets';
import { PipelineExtractor, type StreamSpec } from '@mer/feature-extractors';
import type { TrainingConfig } from '@mer/training';
import { resolveRecipe } from './network-registry';
import { PipelineModel } from './pipeline-model';
import type { PipelineItem } from './pipeline-types';
import { taskFor } from './tasks/task-registry';
import { trainModel } from './trainer';
import { trainingConfig } from './training-config';
import { BatchAugmentation } from './batch-augmentation';
import * as tf from '@tensorflow/tfjs-core';

const CLASSES = ['anger', 'boredom', 'disgust', 'fear', 'happiness', 'sadness', 'neutral'];
const FILL = 1234.5; // no feature below takes this value

/** In-memory stores of AVT-CA lite clips (40 MFCC frames, 15 face frames): class in the first MFCC's mean; 4 speakers. */
function memoryStores(n: number, seed: number): { stores: Record<string, FeatureSource>; items: PipelineItem[] } {
  const rng = createRng(seed);
  const items: PipelineItem[] = [];
  const data: Record<string, Map<string, Float32Array>> = { audio: new Map(), video: new Map() };
  for (let i = 0; i < n; i++) {
    const classLabel = i % CLASSES.length;
    const id = `item${seed}-${i}`;
    items.push({ id, file: `${id}.wav`, classLabel, speaker: `s${i % 4}` });
    data.audio.set(id, Float32Array.from({ length: 40 * 10 }, (_, k) => rng.normal() + (k % 10 === 0 ? classLabel - 3 : 0)));
    data.video.set(id, new Float32Array(15 * 256));
  }
  const store = (m: string, frames: number, dim: number): FeatureSource =>
    ({
      dir: `memory:${m}`,
      manifest: { dim },
      has: (id: string) => data[m].has(id),
      read: (id: string) => ({ data: data[m].get(id)!, frames, dim, mask: new Uint8Array(frames).fill(1), meta: {} }),
    }) as unknown as FeatureSource;
  return { stores: { audio: store('audio', 40, 10), video: store('video', 15, 256) }, items };
}

let streams: StreamSpec[];
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  const extractor = await PipelineExtractor.create(resolveRecipe('avt-ca'), { faces: 'none' });
  streams = extractor.streams;
  extractor.dispose();
});

/** Trains AVT-CA lite for 2 epochs on the in-memory clips, validating with the task's own evaluator; records every forward's inputs. */
async function train(overrides: Partial<TrainingConfig>, audioMean = 0) {
  const recipe = resolveRecipe('avt-ca');
  const config = trainingConfig(recipe, { epochs: 2, batchSize: 14, earlyStoppingPatience: null, scheduler: { kind: 'none' }, ...overrides });
  const task = taskFor(recipe);
  const { stores, items } = memoryStores(56, 1);
  const validation = memoryStores(14, 2);
  const model = PipelineModel.create(recipe, 'lite', streams, { numClasses: CLASSES.length, seed: 3 });
  model.setNormalisation({ audio: { mean: new Array(10).fill(audioMean), std: new Array(10).fill(1) } } as never);
  const calls: { training: boolean; frames: number; filled: number; ids?: string[] }[] = [];
  const forward = model.forward.bind(model);
  jest.spyOn(model, 'forward').mockImplementation((batch, options) => {
    const audio = batch.features.audio.dataSync();
    calls.push({ training: Boolean(options?.training), frames: batch.features.audio.shape[1], filled: audio.filter((v) => v === FILL).length });
    return forward(batch, options);
  });
  const mixup = jest.spyOn(task, 'mixup');
  const evaluate = task.evaluator(model, validation.stores, validation.items, { classes: CLASSES, windowSize: 300 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-augment-'));
  try {
    const history = await trainModel(model, task.dataset(stores, items, config), config, {
      runDir: dir,
      task,
      classes: CLASSES,
      groups: new Map(items.map((i) => [i.id, i.speaker!])),
      validate: async () => {
        const r = await evaluate();
        return { score: task.selection.score(r), metrics: {} };
      },
    });
    return { losses: history.map((h) => h.trainLoss), scores: history.map((h) => h.validationScore), calls, mixupSpeakers: mixup.mock.calls.map((c) => c[3]), mixupIds: mixup.mock.calls.map((c) => c[0].ids) };
  } finally {
    mixup.mockRestore();
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('augmentation in the training loop', () => {
  it('off (absent, null, false) trains exactly as before; masking reaches training batches only, never validation', async () => {
    const base = await train({});
    const off = await train({ featureMasking: null, copyPaste: null, mixupWithinSpeaker: false, speedPerturbation: [] });
    expect(off.losses).toEqual(base.losses);
    expect(off.scores).toEqual(base.scores);
    expect(base.calls.every((c) => c.filled === 0)).toBe(true);

    const masked = await train({ featureMasking: { timeMasks: 2, maxTimeWidth: 8, featureMasks: 2, maxFeatureWidth: 3, fill: FILL } });
    const training = masked.calls.filter((c) => c.training);
    const validating = masked.calls.filter((c) => !c.training);
    expect(training.length).toBe(2 * 4); // 2 epochs of 4 batches
    expect(training.every((c) => c.filled > 0)).toBe(true);
    expect(validating.length).toBeGreaterThan(0);
    expect(validating.every((c) => c.filled === 0)).toBe(true);
    expect(masked.losses).not.toEqual(base.losses);
    // The default fill: the stream's training mean (here FILL in every dimension).
    const byMean = await train({ featureMasking: { timeMasks: 2, maxTimeWidth: 8, featureMasks: 2, maxFeatureWidth: 3, fill: 'mean' } }, FILL);
    expect(byMean.calls.filter((c) => c.training).every((c) => c.filled > 0)).toBe(true);
    expect(byMean.calls.filter((c) => !c.training).every((c) => c.filled === 0)).toBe(true);
  }, 120_000);

  it('CopyPaste trains one more step per batch on pasted rows twice as long; mixup within a speaker gets each row’s speaker', async () => {
    const pasted = await train({ copyPaste: { neutralClass: 'neutral', probability: 1 } });
    const training = pasted.calls.filter((c) => c.training);
    expect(training.filter((c) => c.frames === 40).length).toBe(8);
    expect(training.filter((c) => c.frames === 80).length).toBeGreaterThan(0);
    expect(pasted.calls.filter((c) => !c.training).every((c) => c.frames === 40)).toBe(true);
    await expect(train({ copyPaste: { neutralClass: 'calm', probability: 1 } })).rejects.toThrow(/training "copyPaste": no class 'calm' among anger, boredom, disgust, fear, happiness, sadness, neutral/);

    const mixed = await train({ mixup: 0.4, mixupWithinSpeaker: true });
    expect(mixed.mixupSpeakers.length).toBe(8);
    // Each row's speaker, by its id (item<seed>-<i> is speaker s<i mod 4>).
    mixed.mixupSpeakers.forEach((s, k) => expect(s).toEqual(mixed.mixupIds[k].map((id) => `s${Number(id.split('-')[1]) % 4}`)));
    const plain = await train({ mixup: 0.4 });
    expect(plain.mixupSpeakers.every((s) => s === undefined)).toBe(true);
  }, 180_000);
});

describe('BatchAugmentation.input: pixel streams are images, not feature frames', () => {
  it('masks the feature streams and passes a pixel stream (face crops) through untouched', async () => {
    const recipe = resolveRecipe('avt-ca');
    const config = trainingConfig(recipe, { featureMasking: { timeMasks: 2, maxTimeWidth: 3, featureMasks: 2, maxFeatureWidth: 2, fill: FILL } });
    const model = PipelineModel.create(recipe, 'lite', streams, { numClasses: CLASSES.length, seed: 3 });
    model.setNormalisation({ audio: { mean: new Array(10).fill(0), std: new Array(10).fill(1) }, video: { mean: [], std: [], validFrames: 30, values: 'pixels' } } as never);
    expect(model.isPixelStream('video')).toBe(true);
    expect(model.isPixelStream('audio')).toBe(false);
    // Within-speaker mixup without mixup itself would do nothing: refused, naming the missing key.
    expect(() => BatchAugmentation.create(trainingConfig(recipe, { mixupWithinSpeaker: true }), model, {})).toThrow('set "mixup"');
    const augment = BatchAugmentation.create(config, model, {})!;
    augment.startEpoch(0);
    const audio = tf.randomNormal([2, 12, 10], 0, 1, 'float32', 5) as tf.Tensor3D;
    const video = tf.randomUniform([2, 15, 48], 0, 255, 'float32', 6) as tf.Tensor3D; // flattened crops
    const { batch, free } = await augment.input({ features: { audio, video }, ids: ['a', 'b'], dispose: () => undefined });
    expect(batch.features.video).toBe(video);
    const masked = await batch.features.audio.data();
    expect(Array.from(masked).filter((v) => v === FILL).length).toBeGreaterThan(0);
    expect(Array.from(await video.data()).some((v) => v === FILL)).toBe(false);
    free();
    tf.dispose([audio, video]);
    model.dispose();
  });
});
