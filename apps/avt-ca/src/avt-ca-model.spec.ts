import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { overfit } from '@mer/attention-fusion';
import { AdamW, initBackend } from '@mer/backend';
import { crossEntropyLoss } from '@mer/heads';
import { avtCaConfig, createAvtCaModel, loadAvtCaModel, saveAvtCaModel } from './index';
import { folderFiles } from '@mer/media';

describe('AVT-CA network', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('features preset: 3.6 s clips (156 MFCC frames, 15 video frames) → 8 logits; parameter count', () => {
    const m = createAvtCaModel('features');
    tf.tidy(() => {
      const out = m.predict({ audio: tf.randomNormal([2, 156, 10]), video: tf.randomNormal([2, 15, 1024]) });
      expect(out.logits.shape).toEqual([2, 8]);
      Array.from(tf.sum(out.probabilities, -1).dataSync()).forEach((p) => expect(p).toBeCloseTo(1, 5));
    });
    const conv = (i: number, o: number) => 3 * i * o + o + 4 * o; // kernel + bias + BN (γ, β, running mean, var)
    const fusion = (q: number, k: number) => q * 2 * q + 2 * q + 2 * q * q + q + 2 * q + 2 * k + q * q + 2 * k * q + q * q + 2 * q;
    const mha = (d: number) => 4 * d * d + 4 * d;
    const expected =
      conv(10, 64) + conv(64, 128) + conv(1024, 64) + conv(64, 64) + fusion(128, 64) + fusion(64, 128) +
      conv(128, 256) + conv(256, 128) + conv(64, 128) + conv(128, 128) + 4 * mha(128) + (128 * 8 + 8);
    expect(m.parameterCount()).toBe(expected);
    expect(m.summary()).toMatch(/cross-self-attention/);
    m.dispose();
  });

  it('lite preset overfits a fixed batch on wasm (cross-entropy falls ≥ 90%); modality dropout runs', async () => {
    const m = createAvtCaModel('lite', { dropout: 0 });
    const audio = tf.randomNormal([8, 40, 10], 0, 1, 'float32', 1);
    const video = tf.randomNormal([8, 15, 1024], 0, 1, 'float32', 2);
    const labels = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
    const opt = new AdamW({ learningRate: 3e-3, weightDecay: 0 });
    const loss = () => crossEntropyLoss(m.apply([audio, video], { training: true }) as tf.Tensor, labels);
    const { first, last } = await overfit(loss, opt, m.variables());
    expect(last).toBeLessThan(first * 0.1);
    tf.tidy(() => {
      expect(m.predict({ audio, video }, { dropAudio: true }).logits.shape).toEqual([8, 8]);
    });
    opt.dispose();
    tf.dispose([audio, video, labels]);
    m.dispose();
  });

  it('official-code preset (mean pooling, concat) and CMU-MOSEI multi-label; save → load exact; clear errors', async () => {
    const m = createAvtCaModel('official-code', { mode: 'features', audioChannels: [8, 8, 8, 8], videoChannels: [8, 8, 8, 8], crossHeads: 2, videoDim: 32, numClasses: 6, multiLabel: true });
    const audio = tf.randomNormal([2, 30, 10]);
    const video = tf.randomNormal([2, 15, 32]);
    const before = tf.tidy(() => (m.apply([audio, video]) as tf.Tensor).dataSync().slice());
    expect(before.length).toBe(12);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-avtca-'));
    await saveAvtCaModel(m, folderFiles(dir));
    const loaded = loadAvtCaModel(folderFiles(dir));
    expect(Array.from(tf.tidy(() => (loaded.apply([audio, video]) as tf.Tensor).dataSync().slice()))).toEqual(Array.from(before));
    expect(() => tf.tidy(() => m.predict({ audio: tf.zeros([1, 30, 13]), video }))).toThrow(/audio frames are 13-d, the config expects 10 MFCCs/);
    // Four valid kernel-3 convolutions and their kernel-2 poolings take 12 frames: 13 is the fewest that fit.
    expect(m.minAudioFrames()).toBe(13);
    expect(() => tf.tidy(() => m.predict({ audio: tf.zeros([2, 1, 10]), video }))).toThrow(/at least 13 audio frames, got 1 .*egemaps-functionals/);
    expect(tf.tidy(() => m.predict({ audio: tf.zeros([2, 13, 10]), video }).logits.shape)).toEqual([2, 6]);
    expect(() => avtCaConfig('features', { videoChannels: [64, 64, 128, 64] })).toThrow(/equal stage-2 widths/);
    fs.rmSync(dir, { recursive: true, force: true });
    tf.dispose([audio, video]);
    m.dispose();
    loaded.dispose();
  });

  it('raw mode: face crops through the EfficientFace-style backbone; trains a step on wasm', async () => {
    const m = createAvtCaModel('lite', {
      mode: 'raw',
      backbone: { stagesRepeats: [1, 1, 1], stagesOutChannels: [4, 8, 8, 8, 16] },
      videoDim: 16,
      numClasses: 3,
    });
    const audio = tf.randomNormal([2, 30, 10], 0, 1, 'float32', 3);
    const video = tf.randomUniform([2, 4, 64, 64, 3], 0, 1, 'float32', 4);
    const labels = tf.tensor1d([0, 2], 'int32');
    expect(m.summary()).toMatch(/EfficientFace backbone/);
    const opt = new AdamW({ learningRate: 1e-3 });
    const loss = () => crossEntropyLoss(m.apply([audio, video], { training: true }) as tf.Tensor, labels);
    const { first, last } = await overfit(loss, opt, m.variables(), { maxSteps: 30, targetRatio: 0.8 });
    expect(last).toBeLessThan(first);
    expect(() => tf.tidy(() => m.predict({ audio, video: tf.zeros([2, 4, 16]) }))).toThrow(/raw mode: video must be \[B, T, H, W, 3\]/);
    expect(() => avtCaConfig('paper', { videoDim: 512 })).toThrow(/must equal the backbone's output width \(1024\)/);
    opt.dispose();
    tf.dispose([audio, video, labels]);
    m.dispose();
  });
});
