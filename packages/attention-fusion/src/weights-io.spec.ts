import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { loadWeights, MultiHeadAttention, readModelManifest, saveWeights } from './index';

describe('saveWeights / loadWeights', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-weights-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips exactly, keeps the source model usable, and records the config', async () => {
    const a = new MultiHeadAttention({ dim: 8, numHeads: 2 });
    await saveWeights(a, dir, { model: 'mha', config: { dim: 8 } });
    const b = new MultiHeadAttention({ dim: 8, numHeads: 2 });
    loadWeights(b, dir);
    tf.tidy(() => {
      const x = tf.randomNormal([1, 3, 8]);
      expect(Array.from((b.apply(x) as tf.Tensor).dataSync())).toEqual(Array.from((a.apply(x) as tf.Tensor).dataSync()));
    });
    expect(readModelManifest(dir).model).toEqual({ model: 'mha', config: { dim: 8 } });
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    a.dispose();
    b.dispose();
  });

  it('refuses a model built from another config, naming the weight', async () => {
    const a = new MultiHeadAttention({ dim: 8, numHeads: 2 });
    await saveWeights(a, dir, { model: 'mha' });
    const wider = new MultiHeadAttention({ dim: 8, numHeads: 2, queryInputDim: 4 });
    expect(() => loadWeights(wider, dir)).toThrow(/weight 0 '.*wq' has shape \[8,8\] but the model expects \[4,8\]/);
    const noBias = new MultiHeadAttention({ dim: 8, numHeads: 2, useBias: false });
    expect(() => loadWeights(noBias, dir)).toThrow(/8 saved weights but the model has 4/);
    expect(() => readModelManifest(path.join(dir, 'none'))).toThrow(/no model.json/);
    [a, wider, noBias].forEach((l) => l.dispose());
  });
});
