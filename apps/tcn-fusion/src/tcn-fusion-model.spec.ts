import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { overfit } from '@mer/attention-fusion';
import { AdamW, initBackend } from '@mer/backend';
import { cccLoss } from '@mer/heads';
import { createTcnFusionModel, loadTcnFusionModel, saveTcnFusionModel } from './index';
import { folderFiles } from '@mer/media';

function inputs(b: number, t: number, seed: number) {
  return {
    visual: tf.randomNormal([b, t, 512], 0, 1, 'float32', seed),
    vggish: tf.randomNormal([b, t, 128], 0, 1, 'float32', seed + 1),
    logmel: tf.randomNormal([b, t, 128], 0, 1, 'float32', seed + 2),
  };
}

describe('TCN-fusion network', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('paper preset: shapes, parameter count from the architecture, summary', () => {
    const model = createTcnFusionModel('paper');
    const x = inputs(1, 12, 1);
    const out = model.predict(x);
    expect(out.valence.shape).toEqual([1, 12]);
    // Multi-scale TCN params: per kernel k, level 0 (Cin→C): 2 convs + 1×1 skip; levels 1–3 (C→C).
    const tcn = (cin: number, c: number) => [3, 5, 7].reduce((s, k) => s + (k * cin * c + 2 * c) + (k * c * c + 2 * c) + (cin * c + c) + 3 * 2 * (k * c * c + 2 * c), 0);
    const attention = 384 * 256 + 2 * 192 * 256 + 256 * 256 + 4 * 256;
    const head = 2 * 896 + 896 * 256 + 256 + 256 * 2 + 2;
    expect(model.parameterCount()).toBe(tcn(512, 128) + 2 * tcn(128, 64) + 2 * attention + head);
    expect(model.summary()).toMatch(/total\s+[\d,]+/);
    tf.dispose([x.visual, x.vggish, x.logmel, out.valence, out.arousal]);
    model.dispose();
  });

  it('lite preset overfits one fixed batch with the CCC loss on wasm (loss falls ≥ 90%)', async () => {
    const model = createTcnFusionModel('lite', { tcnDropout: 0, headDropout: 0 });
    const x = inputs(4, 24, 7);
    const target = tf.tidy(() => tf.tanh(tf.randomNormal([4, 24, 2], 0, 1, 'float32', 9)));
    const opt = new AdamW({ learningRate: 2e-3, weightDecay: 0 });
    const loss = () => cccLoss(model.apply([x.visual, x.vggish, x.logmel], { training: true }) as tf.Tensor, target);
    const { first, last } = await overfit(loss, opt, model.variables());
    expect(last).toBeLessThan(first * 0.1);
    opt.dispose();
    tf.dispose([x.visual, x.vggish, x.logmel, target]);
    model.dispose();
  });

  it('official-code preset (gated fusion) runs; save → load round trip is exact', async () => {
    const model = createTcnFusionModel('official-code', { visualChannels: 8, audioChannels: 4, attentionDim: 16, headHidden: 8 });
    const x = inputs(2, 10, 3);
    const before = tf.tidy(() => (model.apply([x.visual, x.vggish, x.logmel]) as tf.Tensor).dataSync().slice());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-tcn-'));
    await saveTcnFusionModel(model, folderFiles(dir));
    const loaded = loadTcnFusionModel(folderFiles(dir));
    expect(loaded.config).toEqual(model.config);
    const after = tf.tidy(() => (loaded.apply([x.visual, x.vggish, x.logmel]) as tf.Tensor).dataSync().slice());
    expect(Array.from(after)).toEqual(Array.from(before));
    fs.rmSync(dir, { recursive: true, force: true });
    tf.dispose([x.visual, x.vggish, x.logmel]);
    model.dispose();
    loaded.dispose();
  });
});
