import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, memoryFiles } from '@mer/backend';
import { FeatureStore } from '@mer/datasets';
import { generateTestClip } from '@mer/media';
import { avtCaRecipe } from '@mer/avt-ca';
import { mavenRecipe } from '@mer/maven';
import { seedInitializers } from '@mer/attention-fusion';
import { loadPipeline } from './pipeline-loading';
import { readManifest } from './pipeline-manifest';
import { UTTERANCE_STREAM, withUtteranceFusion } from './utterance-fusion';
import { evalRun, extractDataset, readFeatureIndex, trainRun } from './workflow';
import { crossValidate } from './cross-validation';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-utterance-'));
const data = path.join(dir, 'emodb');
const features = path.join(dir, 'features');
const training = { epochs: 16, batchSize: 4, learningRate: 1e-2 };

/**
 * A planted store: every recording is the same tone (audio cannot tell anger from sadness), and an
 * `utterance` stream of 4 numbers, the first three +2 for anger and −2 for sadness, plus noise.
 */
beforeAll(async () => {
  for (const speaker of ['03', '10', '11', '08']) {
    for (const [k, emotion] of ['W', 'T', 'W', 'T', 'W', 'T'].entries()) {
      generateTestClip(path.join(data, `${speaker}a0${k + 1}${emotion}a.wav`), { seconds: 1, audioLavfi: 'sine=frequency=400:sample_rate=22050:duration=1' });
    }
  }
  await extractDataset({ pipeline: 'avt-ca', dataset: `emodb:${data}`, split: 'speaker:08', out: features, preset: 'lite', extractor: { faces: 'none' } });
  const index = readFeatureIndex(features);
  const store = FeatureStore.open(features, { modality: UTTERANCE_STREAM, extractor: 'planted', config: { pipeline: 'avt-ca' }, dim: 4 });
  let s = 1;
  const noise = () => ((s = (s * 16_807) % 2_147_483_647) / 2_147_483_647 - 0.5) * 0.5;
  for (const item of index.items) {
    const sign = index.classes![item.classLabel!] === 'anger' ? 2 : -2;
    store.write(item.id, Float32Array.from([sign + noise(), sign + noise(), sign + noise(), noise()]), { mask: [1], meta: { file: item.file } });
  }
  store.flush();
}, 240_000);

const uar = async (run: string) => {
  const m = await evalRun({ run, split: 'test' });
  if (m.task !== 'classification') throw new Error('expected classification metrics');
  return m.classification.uar;
};

describe('an utterance stream late-fused into a network (withUtteranceFusion)', () => {
  it('mer cv --utterance: every fold trains the fused network (inner selection) and scores its held-out speaker by it', async () => {
    const out = path.join(dir, 'cv-fused');
    const r = await crossValidate({ features, out, folds: 'loso', preset: 'lite', training, utterance: { dropout: 0 } });
    expect(r.folds.map((f) => f.heldOut.join(','))).toEqual(['03', '08', '10', '11']);
    for (const f of r.folds) {
      expect(readManifest(path.join(out, `fold-${f.fold}`)).utterance).toEqual({ extractor: 'planted', hidden: 0, dropout: 0 });
      // The audio is one tone for every item, so the plain network scores exactly chance (0.5, the next
      // test); only the fused utterance row separates the held-out speaker's classes (an early kept epoch may miss one of 6).
      expect(f.metrics['uar']).toBeGreaterThan(0.75);
    }
    expect(JSON.parse(fs.readFileSync(path.join(out, 'cv-settings.json'), 'utf8'))).toMatchObject({ utterance: { dropout: 0 } });
  }, 300_000);

  it('only the utterance stream carries the label: the fused network learns it, the same network without it cannot', async () => {
    const fused = path.join(dir, 'fused');
    const plain = path.join(dir, 'plain');
    // The last epoch is kept: what is asked is whether the head learns, not which epoch selects.
    await trainRun({ features, out: fused, preset: 'lite', training, utterance: { dropout: 0 }, select: 'last' });
    await trainRun({ features, out: plain, preset: 'lite', training, select: 'last' });
    expect(await uar(fused)).toBe(1);
    // Every input of the plain network is the same: one class for all, chance.
    expect(await uar(plain)).toBe(0.5);
    const m = readManifest(fused);
    expect(m.utterance).toEqual({ extractor: 'planted', hidden: 0, dropout: 0 });
    expect(m.streams.map((st) => st.name)).toEqual([...avtCaRecipe.streams.map((st) => st.name), UTTERANCE_STREAM]);
    expect(readManifest(plain).utterance).toBeUndefined();
    expect(readManifest(plain).streams.map((st) => st.name)).toEqual(avtCaRecipe.streams.map((st) => st.name));
  }, 240_000);

  it('a fused run stopped mid-way resumes to the same weights (the head is in every checkpoint)', async () => {
    const whole = path.join(dir, 'whole');
    const parts = path.join(dir, 'parts');
    const short = { ...training, epochs: 4 };
    await trainRun({ features, out: whole, preset: 'lite', training: short, utterance: {} });
    await trainRun({ features, out: parts, preset: 'lite', training: short, utterance: {}, stopAfter: 2 });
    await trainRun({ features, out: parts, preset: 'lite', resume: true });
    const bytes = (run: string) => fs.readFileSync(path.join(run, 'best', 'weights.bin'));
    expect(bytes(parts).equals(bytes(whole))).toBe(true);
    const p = await loadPipeline(parts);
    expect(p.utterance).toEqual({ extractor: 'planted', hidden: 0, dropout: 0.2 });
    p.dispose();
  }, 240_000);

  it('save and load give the same outputs; the head has its config; a per-frame VA network is refused', async () => {
    await initBackend();
    const recipe = withUtteranceFusion(avtCaRecipe, { hidden: 8 });
    expect(recipe.streams.map((st) => st.name)).toEqual([...avtCaRecipe.streams.map((st) => st.name), UTTERANCE_STREAM]);
    seedInitializers(3);
    const net = recipe.build({ audio: 13, video: 16, [UTTERANCE_STREAM]: 5 }, 'lite', { numClasses: 3 });
    seedInitializers(null);
    const streams = { audio: tf.randomNormal([2, 20, 13], 0, 1, 'float32', 1) as tf.Tensor3D, video: tf.randomNormal([2, 4, 16], 0, 1, 'float32', 2) as tf.Tensor3D, [UTTERANCE_STREAM]: tf.randomNormal([2, 1, 5], 0, 1, 'float32', 3) as tf.Tensor3D };
    // Neither the network's own forward nor the fused one keeps a tensor beyond the logits it returns.
    const own = avtCaRecipe.build({ audio: 13, video: 16 }, 'lite', { numClasses: 3 });
    let before = tf.memory().numTensors;
    const plainOut = own.forward({ audio: streams.audio, video: streams.video });
    if (plainOut.kind !== 'classification') throw new Error('expected logits');
    plainOut.logits.dispose();
    expect(tf.memory().numTensors).toBe(before);
    own.layer.dispose();
    before = tf.memory().numTensors;
    const out = net.forward(streams);
    if (out.kind !== 'classification') throw new Error('expected logits');
    expect(out.logits.shape).toEqual([2, 3]);
    // The utterance head moves the logits: another row gives other logits.
    const zeros = tf.zerosLike(streams[UTTERANCE_STREAM]) as tf.Tensor3D;
    const other = net.forward({ ...streams, [UTTERANCE_STREAM]: zeros });
    if (other.kind !== 'classification') throw new Error('expected logits');
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(other.logits, out.logits))).dataSync()[0])).toBeGreaterThan(1e-3);
    tf.dispose([other.logits, zeros]);
    expect(tf.memory().numTensors).toBe(before + 1); // out.logits
    const files = memoryFiles('mem');
    await net.save(files);
    const loaded = recipe.load(files);
    expect(loaded.layer.weights.map((w) => w.shape)).toEqual(net.layer.weights.map((w) => w.shape));
    const again = loaded.forward(streams);
    if (again.kind !== 'classification') throw new Error('expected logits');
    expect(Array.from(await again.logits.data())).toEqual(Array.from(await out.logits.data()));
    tf.dispose([out.logits, again.logits, ...Object.values(streams)]);
    // The plain recipe cannot read the fused files, and the fused one not plain ones.
    const plain = memoryFiles('plain');
    await avtCaRecipe.build({ audio: 13, video: 16 }, 'lite', { numClasses: 3 }).save(plain);
    expect(() => recipe.load(plain)).toThrow('plain: no utterance-fusion.json — this model was saved without utterance fusion');
    loaded.layer.dispose();
    net.layer.dispose();
    expect(() => withUtteranceFusion(mavenRecipe)).toThrow('maven: utterance fusion adds clip-level class logits; this network predicts per-frame valence/arousal');
    expect(() => withUtteranceFusion(avtCaRecipe, { hidden: -1 })).toThrow('utterance fusion: hidden must be a whole number ≥ 0 (0: linear), got -1');
    expect(() => recipe.build({ audio: 13, video: 16 }, 'lite', { numClasses: 3 })).toThrow(`avt-ca: no '${UTTERANCE_STREAM}' stream among the extracted features (audio, video) — extract with --stream ${UTTERANCE_STREAM}=speech-functionals`);
  }, 60_000);
});
