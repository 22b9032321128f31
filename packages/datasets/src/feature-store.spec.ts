import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { configHash, FeatureStore, SequenceDataset } from './index';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-features-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const opts = { modality: 'visual', extractor: 'faceres', config: { size: 224, margin: 0.2 }, dim: 3, fps: 25 };

describe('FeatureStore', () => {
  it('writes atomically, reads back exactly, and resumes (has)', () => {
    const store = FeatureStore.open(root, opts);
    expect(store.has('clip/01')).toBe(false);
    const data = Float32Array.from({ length: 4 * 3 }, (_, i) => i / 10);
    store.write('clip/01', data, { mask: [1, 1, 0, 1], meta: { frames: 4 } });
    expect(store.has('clip/01')).toBe(true);
    const again = FeatureStore.open(root, opts); // a resumed run sees the finished item
    expect(again.has('clip/01')).toBe(true);
    const back = again.read('clip/01');
    expect(Array.from(back.data)).toEqual(Array.from(data));
    expect(Array.from(back.mask)).toEqual([1, 1, 0, 1]);
    expect(back.meta).toEqual({ frames: 4 });
    expect(again.items()).toEqual(['clip/01']);
    // One pack and its index, no temp files.
    expect(fs.readdirSync(path.join(root, 'visual', 'packs')).map((f) => f.replace(/^[^.]+/, '*')).sort()).toEqual(['*.f32', '*.idx.jsonl']);
  });

  it('an item whose metadata was never written counts as not done (a folder of the per-item layout)', () => {
    const store = FeatureStore.open(root, opts);
    fs.mkdirSync(path.join(store.dir, 'items'));
    fs.writeFileSync(path.join(store.dir, 'items', 'half.f32'), Buffer.alloc(12)); // interrupted mid-item
    expect(store.has('half')).toBe(false);
    expect(store.items()).toEqual([]);
    // A finished item of that layout still reads.
    fs.writeFileSync(path.join(store.dir, 'items', 'old.f32'), Buffer.from(Float32Array.of(1, 2, 3).buffer));
    fs.writeFileSync(path.join(store.dir, 'items', 'old.json'), JSON.stringify({ id: 'old', frames: 1, dim: 3, meta: { fps: 25 } }));
    expect(Array.from(FeatureStore.read(root, 'visual').read('old').data)).toEqual([1, 2, 3]);
    expect(store.items()).toEqual(['old']);
  });

  it('refuses to mix features from another config; overwrite starts afresh', () => {
    FeatureStore.open(root, opts).write('a', new Float32Array(3));
    expect(() => FeatureStore.open(root, { ...opts, config: { size: 112, margin: 0.2 } })).toThrow(
      /features were written by faceres \(config [0-9a-f]{16}, dim 3\); this run uses faceres \(config [0-9a-f]{16}, dim 3\)/,
    );
    const fresh = FeatureStore.open(root, { ...opts, config: { size: 112 }, onMismatch: 'overwrite' });
    expect(fresh.has('a')).toBe(false);
    expect(configHash({ a: 1, b: 2 })).toBe(configHash({ b: 2, a: 1 }));
  });

  it('refuses NaN features and shape mismatches, naming item and frame', () => {
    const store = FeatureStore.open(root, opts);
    expect(() => store.write('x', Float32Array.from([0, 0, 0, 0, NaN, 0]))).toThrow('x: visual feature NaN at frame 1, dim 1');
    expect(() => store.write('x', new Float32Array(4))).toThrow('x: 4 values is not a whole number of 3-d frames');
    expect(() => store.write('x', new Float32Array(6), { mask: [1] })).toThrow('x: mask has 1 entries for 2 frames');
    expect(() => FeatureStore.read(root, 'audio')).toThrow(/no feature manifest/);
  });
});

describe('SequenceDataset', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('windows items, aligns to label rows, combines masks, and shuffles reproducibly', () => {
    const visual = FeatureStore.open(root, opts);
    const audio = FeatureStore.open(root, { ...opts, modality: 'audio', extractor: 'logmel', dim: 2 });
    // Item A: 7 decoded frames but 8 annotation rows (Aff-Wild2's +1), frame 2 without a face.
    visual.write('A', Float32Array.from({ length: 7 * 3 }, (_, i) => i), { mask: [1, 1, 0, 1, 1, 1, 1] });
    audio.write('A', Float32Array.from({ length: 8 * 2 }, (_, i) => -i));
    visual.write('B', Float32Array.from({ length: 3 * 3 }, () => 1));
    audio.write('B', Float32Array.from({ length: 3 * 2 }, () => 2));
    const labelsA = Float32Array.from({ length: 8 * 2 }, (_, i) => (i === 10 || i === 11 ? -5 : i / 20));
    const ds = new SequenceDataset(
      { visual: FeatureStore.read(root, 'visual'), audio: FeatureStore.read(root, 'audio') },
      [
        { id: 'A', frameLabels: labelsA },
        { id: 'B', frameLabels: new Float32Array(3 * 2).fill(0.5) },
      ],
      { window: { size: 4, hop: 2 } },
    );
    expect(ds.size).toBe(4); // A: [0,4) [2,6) [4,8); B: [0,3)
    const start = tf.memory().numTensors;
    const batches = [...ds.batches({ batchSize: 3 })];
    expect(batches.map((b) => b.ids)).toEqual([['A', 'A', 'A'], ['B']]);
    const [b0] = batches;
    expect(b0.features['visual'].shape).toEqual([3, 4, 3]);
    expect(b0.features['audio'].shape).toEqual([3, 4, 2]);
    expect(b0.frameLabels!.shape).toEqual([3, 4, 2]);
    // Window [4,8): frame 7 is the padded (missing-decode) one → mask 0; frame 2 had no face.
    expect(Array.from(b0.mask.dataSync())).toEqual([1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0]);
    const last = batches[1];
    expect(Array.from(last.mask.dataSync())).toEqual([1, 1, 1, 0]);
    expect(Array.from(last.frameLabels!.dataSync()).slice(6)).toEqual([-5, -5]); // padding labels are unlabelled
    batches.forEach((b) => b.dispose());
    expect(tf.memory().numTensors).toBe(start);

    const order = (seed: number) => [...ds.batches({ batchSize: 1, shuffle: true, seed })].map((b) => (b.dispose(), `${b.ids[0]}@${b.windows[0].start}`));
    expect(order(5)).toEqual(order(5));
    expect(order(5).sort()).toEqual(['A@0', 'A@2', 'A@4', 'B@0']);
  });

  it('clip-level class labels, and a clear error for an item without features', () => {
    const visual = FeatureStore.open(root, opts);
    visual.write('c1', new Float32Array(15 * 3));
    visual.write('c2', new Float32Array(15 * 3));
    const ds = new SequenceDataset({ visual }, [{ id: 'c1', classLabel: 3 }, { id: 'c2', classLabel: 0 }]);
    const [b] = [...ds.batches({ batchSize: 2 })];
    expect(b.features['visual'].shape).toEqual([2, 15, 3]);
    expect(Array.from(b.classLabels!.dataSync())).toEqual([3, 0]);
    b.dispose();
    expect(() => new SequenceDataset({ visual }, [{ id: 'c3', classLabel: 1 }])).toThrow(/item 'c3' has no 'visual' features/);
  });
});

describe('SequenceDataset reads', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('a set that fits its memory budget is read from the store once for every epoch; a budget of one item re-reads', () => {
    const visual = FeatureStore.open(root, opts);
    for (const id of ['A', 'B', 'C']) visual.write(id, Float32Array.from({ length: 12 * 3 }, (_, i) => i));
    let reads = 0;
    const counted = { dir: visual.dir, manifest: visual.manifest, has: (id: string) => visual.has(id), read: (id: string) => (reads++, visual.read(id)) };
    const items = ['A', 'B', 'C'].map((id) => ({ id, frameLabels: new Float32Array(12 * 2) }));
    const epochs = (ds: SequenceDataset) => {
      for (const seed of [1, 2]) for (const b of ds.batches({ batchSize: 2, shuffle: true, seed })) b.dispose();
    };
    // Windows of 4 frames, hop 4: 3 windows an item, shuffled across items.
    epochs(new SequenceDataset({ visual: counted }, items, { window: { size: 4, hop: 4 } }));
    expect(reads).toBe(3);
    reads = 0;
    epochs(new SequenceDataset({ visual: counted }, items, { window: { size: 4, hop: 4 }, cacheItems: 1 }));
    expect(reads).toBeGreaterThan(6);
  });
});
