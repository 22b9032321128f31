import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { specBackend } from '@mer/backend';
import { FeatureStore } from '@mer/datasets';
import { folderFiles, generateTestClip } from '@mer/media';
import { ClipRun } from './clip-run';
import { checkWasmMemory, measureTrainingMemory } from './memory-estimate';
import { loadPipeline } from './pipeline-loading';
import { PipelineModel } from './pipeline-model';
import { readManifest } from './pipeline-manifest';
import type { PipelineItem } from './pipeline-types';
import { resolveRecipe } from './network-registry';
import { mergeFeatureStores } from './feature-merge';
import { evalRun, extractDataset, readFeatureIndex, trainRun } from './workflow';

// AVT-CA's paper preset end to end on face crops: mer extract keeps the crops, training runs the
// EfficientFace-style branch on them. Tiny shapes (32×32 crops, 4 frames, a one-unit backbone) so it
// also runs on SwiftShader (MER_BACKEND=webgpu, tools/ci/webgpu-leg.sh).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-raw-crops-'));
const features = path.join(dir, 'features');
const run = path.join(dir, 'run');
const CLASSES = ['dark', 'bright'];
const CROP = 32;
const TINY = {
  backbone: { stagesRepeats: [1, 1, 1], stagesOutChannels: [4, 8, 8, 8, 8] },
  audioChannels: [8, 8, 8, 8],
  videoChannels: [8, 8, 8, 8],
  crossHeads: 2,
  dropout: 0,
};
const seconds = 1;

/**
 * The planted signal is in the pictures only: a dark or a bright textured field (jittered level and
 * grain); every clip has the same tone, so only the face-crop branch can tell the classes apart.
 */
function clips(): PipelineItem[] {
  const items: PipelineItem[] = [];
  for (const [split, n] of [['train', 6], ['test', 2]] as const) {
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < n; i++) {
        const level = (c === 1 ? 185 : 70) + ((i * 37) % 30) - 15;
        const grain = 2 + ((i * 13) % 5);
        const video = `color=c=gray:s=48x48:r=10:d=${seconds},format=yuv420p,geq=lum='clip(${level}+30*sin(X/${grain})*cos(Y/${grain}+T),0,255)':cb=128:cr=128`;
        const file = generateTestClip(path.join(dir, 'clips', `${split}-${CLASSES[c]}-${i}.mp4`), { videoLavfi: video, audioLavfi: `sine=frequency=300:sample_rate=22050:duration=${seconds}` });
        items.push({ id: `${split}-${CLASSES[c]}-${i}`, file, classLabel: c, split });
      }
    }
  }
  return items;
}

let items: PipelineItem[];
beforeAll(async () => {
  items = clips();
  // No --preset: the network's default, paper, whose video stream is the face crops.
  await extractDataset({ pipeline: 'avt-ca', dataset: 'demo', out: features, items, classes: CLASSES, extractor: { faces: 'none', cropSize: CROP, clipSeconds: seconds, clipFrames: 4 } });
}, 240_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('AVT-CA raw mode: face crops end to end', () => {
  it('mer extract writes the paper preset’s face crops as uint8 pixels and records the preset', () => {
    expect(readFeatureIndex(features).preset).toBe('paper');
    const video = FeatureStore.read(features, 'video');
    expect(video.manifest).toMatchObject({ values: 'pixels', dtype: 'uint8', shape: [CROP, CROP, 3], dim: CROP * CROP * 3 });
    const packs = fs.readdirSync(path.join(features, 'video', 'packs'));
    const bytes = packs.filter((f) => f.endsWith('.u8')).reduce((n, f) => n + fs.statSync(path.join(features, 'video', 'packs', f)).size, 0);
    expect(bytes).toBe(items.length * 4 * CROP * CROP * 3); // one byte a pixel
    const dark = video.read('train-dark-0').data;
    const bright = video.read('train-bright-0').data;
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(bright) - mean(dark)).toBeGreaterThan(60); // pixels as decoded, not standardised
    // mer features merge keeps them pixels: uint8 packs, the same rows.
    const merged = path.join(dir, 'merged');
    mergeFeatureStores([features], merged);
    expect(fs.readdirSync(path.join(merged, 'video', 'packs')).filter((f) => f.endsWith('.u8'))).toHaveLength(1);
    expect(FeatureStore.read(merged, 'video').read('train-dark-0').data).toEqual(dark);
  });

  it('trains the paper preset (tiny backbone) on the crops: the loss falls; eval and predict run on them and agree', async () => {
    let preset = '';
    const { history } = await trainRun({
      features,
      out: run,
      profile: 'paper', // Adam, lr 0.01 (the paper's); one batch of the 12 training clips a step
      model: TINY,
      training: { epochs: 8, batchSize: 12, weightDecay: 0 },
      select: 'last',
      onStart: (info) => (preset = info.preset),
    });
    expect(preset).toBe('paper'); // the preset the folder was extracted for
    expect(tf.getBackend()).toBe(specBackend()); // wasm in npm test, webgpu in the CI's webgpu leg
    const losses = history.map((h) => h.trainLoss);
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    const manifest = readManifest(run);
    expect(manifest.model).toMatchObject({ backbone: TINY.backbone });
    // The crops pass to the network as pixels (it scales them /255 itself): no per-dimension statistics.
    expect(manifest.normalisation?.['video']).toEqual({ mean: [], std: [], validFrames: 12 * 4, values: 'pixels' });
    expect(manifest.normalisation?.['audio'].mean).toHaveLength(10);

    const metrics = await evalRun({ run, split: 'test' });
    expect(metrics).toMatchObject({ task: 'classification', items: 4 });

    // Predicting a raw clip crops its faces again: the same probabilities as scoring its stored crops.
    const test = items.filter((i) => i.split === 'test');
    const p = await loadPipeline(run);
    try {
      expect(p.preset).toBe('paper');
      const scores = await p.scores(test, { featuresDir: features });
      for (const [n, item] of test.entries()) {
        const pred = await p.predict(item.file);
        if (pred.task !== 'classification') throw new Error('expected clip classes');
        pred.probabilities.forEach((v, k) => expect(v).toBeCloseTo(scores[n * 2 + k], 5));
      }
    } finally {
      p.dispose();
    }
  }, 300_000);

  it('scores live clips given as rows (mer live --run): crops only in the clip scored, the same probabilities as with every clip\'s', async () => {
    const live = ClipRun.load(readManifest(run), folderFiles(path.join(run, 'best')));
    try {
      const stores = Object.fromEntries(live.streams.map((s) => [s.name, FeatureStore.read(features, s.name)]));
      const ids = items.filter((i) => i.split === 'test').map((i) => i.id);
      const clips = ids.map((id) => Object.fromEntries(Object.entries(stores).map(([name, st]) => [name, st.read(id)])));
      const full = await live.score(clips);
      const last = clips.length - 1;
      const lean = clips.map((c, k) => (k === last ? c : { audio: c['audio'] }));
      const [scored] = await live.score(lean, { only: [last] });
      scored.probabilities.forEach((p, j) => expect(p).toBeCloseTo(full[last].probabilities[j], 6));
      await expect(live.score(lean, { only: [0] })).rejects.toThrow("clip: no 'video' rows (the run reads");
    } finally {
      live.dispose();
    }
  });

  it('a features preset on a crops folder is refused, naming what the folder holds', async () => {
    await expect(trainRun({ features, out: path.join(dir, 'run-lite'), preset: 'lite', training: { epochs: 1 } })).rejects.toThrow(
      /stream 'video' holds images \(centre-crop\+pixels, \[32, 32, 3\]\), but this setup takes features from extractor 'face'/,
    );
  });

  it('the memory estimate takes the crops: it measures a training step and names the batch that fits', async () => {
    const streams = [
      { name: 'video', modality: 'visual' as const, extractor: 'centre-crop+pixels', dim: CROP * CROP * 3, config: {}, values: 'pixels' as const, shape: [CROP, CROP, 3] },
      { name: 'audio', modality: 'audio' as const, extractor: 'mfcc', dim: 10, config: {} },
    ];
    const model = PipelineModel.create(resolveRecipe('avt-ca'), 'paper', streams, { numClasses: 2, overrides: TINY });
    try {
      const m = await measureTrainingMemory(model, { video: [4, CROP * CROP * 3], audio: [44, 10] }, 8);
      expect(m.perItemBytes).toBeGreaterThan(4 * 4 * CROP * CROP * 3); // at least the frames' activations
      expect(() => checkWasmMemory(m, 'avt-ca paper, batch 8', m.stateBytes + 2.5 * m.perItemBytes)).toThrow(/--config '\{"batchSize": 2\}' is about the largest that fits/);
    } finally {
      model.dispose();
    }
  });
});
