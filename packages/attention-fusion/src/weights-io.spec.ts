import * as tf from '@tensorflow/tfjs-core';
import { initBackend, memoryFiles, readAndDispose, specBackend } from '@mer/backend';
import { loadModel, loadWeights, MultiHeadAttention, readModelManifest, saveWeights } from './index';

describe('saveWeights / loadWeights (through injected model files: no file system here)', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('round-trips exactly, keeps the source model usable, and records the config', async () => {
    const files = memoryFiles('mem://mha');
    const a = new MultiHeadAttention({ dim: 8, numHeads: 2 });
    await saveWeights(a, files, { model: 'mha', config: { dim: 8 } });
    const b = new MultiHeadAttention({ dim: 8, numHeads: 2 });
    loadWeights(b, files);
    const [fromB, fromA] = tf.tidy(() => {
      const x = tf.randomNormal([1, 3, 8]);
      return [b.apply(x) as tf.Tensor, a.apply(x) as tf.Tensor];
    });
    expect(Array.from(await readAndDispose(fromB))).toEqual(Array.from(await readAndDispose(fromA)));
    expect(readModelManifest(files).model).toEqual({ model: 'mha', config: { dim: 8 } });
    expect([...files.files.keys()]).toEqual(['weights.bin', 'model.json']); // weights first
    const c = loadModel(files, 'mha', () => new MultiHeadAttention({ dim: 8, numHeads: 2 }));
    expect(c.getWeights().length).toBe(a.getWeights().length);
    expect(() => loadModel(files, 'maven', () => new MultiHeadAttention({ dim: 8, numHeads: 2 }))).toThrow("mem://mha: holds a 'mha' model, not maven");
    [a, b, c].forEach((l) => l.dispose());
  });

  it('refuses a model built from another config, naming the weight; missing and torn files are named', async () => {
    const files = memoryFiles('mem://x');
    const a = new MultiHeadAttention({ dim: 8, numHeads: 2 });
    await saveWeights(a, files, { model: 'mha' });
    const wider = new MultiHeadAttention({ dim: 8, numHeads: 2, queryInputDim: 4 });
    expect(() => loadWeights(wider, files)).toThrow(/weight 0 '.*wq' has shape \[8,8\] but the model expects \[4,8\]/);
    const noBias = new MultiHeadAttention({ dim: 8, numHeads: 2, useBias: false });
    expect(() => loadWeights(noBias, files)).toThrow(/8 saved weights but the model has 4/);
    expect(() => readModelManifest(memoryFiles('mem://none'))).toThrow('mem://none: no model.json');
    const torn = memoryFiles('mem://torn', new Map([['model.json', files.files.get('model.json')!], ['weights.bin', files.files.get('weights.bin')!.subarray(0, 100)]]));
    expect(() => loadWeights(new MultiHeadAttention({ dim: 8, numHeads: 2 }), torn)).toThrow(/mem:\/\/torn: weights.bin is truncated/);
    const noWeights = memoryFiles('mem://half', new Map([['model.json', files.files.get('model.json')!]]));
    expect(() => loadWeights(new MultiHeadAttention({ dim: 8, numHeads: 2 }), noWeights)).toThrow('mem://half: model.json but no weights.bin');
    [a, wider, noBias].forEach((l) => l.dispose());
  });
});
