import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { initBackend } from '@mer/backend';
import { generateTestClip } from '@mer/media';
import { HubAudioEncoder, HubImageEncoder, HubTextEncoder } from './hub-encoders';
import { onnxExecution } from './onnx-execution';
import { PipelineExtractor } from './pipeline-extractor';
import { FRAME_PLAN } from './fixtures/test-plans';

// Tiny stand-ins with the real models' input/output names, built by tools/fixtures/build-tiny-hub-models.ts.
const models = path.join(__dirname, 'fixtures/hub-models');
const W = (rows: number, cols: number) => Array.from({ length: rows * cols }, (_, k) => (((Math.floor(k / cols) + 1) * ((k % cols) + 1)) % 7) / 7 - 0.4);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-hub-'));

beforeAll(async () => {
  await initBackend();
});

describe('hub encoders through transformers.js (offline, local folders)', () => {
  it.each(['tiny-swin', 'tiny-resnet'])('%s: image processor + model → one vector per crop, as the weights say', async (name) => {
    const enc = await HubImageEncoder.fromPretrained(path.join(models, name));
    expect(enc.dim).toBe(8);
    expect(enc.inputSize).toBe(32);
    const rgb = [200, 100, 30];
    const crops = tf.tidy(() => tf.mul(tf.ones([2, 40, 40, 3]), tf.tensor1d(rgb))) as tf.Tensor4D;
    const out = await enc.embed(crops);
    expect(out.shape).toEqual([2, 8]);
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const c = rgb.map((v, k) => (v / 255 - mean[k]) / std[k]);
    const w = W(3, 8);
    const expected = Array.from({ length: 8 }, (_, j) => Math.tanh(c.reduce((s, ck, k) => s + ck * w[k * 8 + j], 0)));
    const got = await out.data();
    for (let j = 0; j < 8; j++) expect(got[8 + j]).toBeCloseTo(expected[j], 4);
    tf.dispose([crops, out]);
    enc.dispose();
  });

  it('text: tokenizer + model, attention-masked mean over real tokens', async () => {
    const enc = await HubTextEncoder.fromPretrained(path.join(models, 'tiny-roberta'));
    expect(enc.dim).toBe(8);
    const out = await enc.encode(['I am so happy today', 'hello']);
    const E = W(17, 8);
    const meanOf = (ids: number[]) => Array.from({ length: 8 }, (_, j) => ids.reduce((s, id) => s + E[id * 8 + j], 0) / ids.length);
    // <s> i am so happy today </s>  and  <s> hello </s> (+ padding, masked out)
    const expected = [...meanOf([0, 4, 5, 6, 7, 9, 2]), ...meanOf([0, 15, 2])];
    expected.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 5));
    enc.dispose();
  });

  it('audio: streamed hidden states (50 per second) pooled onto video frames', async () => {
    const enc = await HubAudioEncoder.fromPretrained(path.join(models, 'tiny-hubert'));
    const wav = generateTestClip(path.join(dir, 'tone.wav'), { seconds: 2, toneHz: 300, audioSampleRate: 16000 });
    const a = await enc.encodeFile(wav, Float64Array.from({ length: 20 }, (_, i) => i / 10), 10, { chunkSeconds: 0.7 });
    expect(a.dim).toBe(8);
    expect(a.data.length).toBe(20 * 8);
    expect(a.modelFrameRate).toBeGreaterThan(45);
    expect(a.modelFrameRate).toBeLessThan(51);
    expect(Array.from(a.data).every(Number.isFinite)).toBe(true);
    enc.dispose();
  });

  it("the models' ONNX sessions get the execution providers onnxExecution decides for the backend", async () => {
    const decided = onnxExecution();
    expect(decided.requestedBy).toBe('backend');
    const create = jest.spyOn(ort.InferenceSession, 'create');
    try {
      const enc = await HubTextEncoder.fromPretrained(path.join(models, 'tiny-roberta'));
      // transformers.js hands them to ONNX Runtime as they are.
      expect(create).toHaveBeenCalledTimes(1);
      expect(create.mock.calls[0][1]).toMatchObject({ executionProviders: decided.executionProviders });
      expect(enc.placement).toEqual({ model: path.join(models, 'tiny-roberta'), device: decided.device, requested: decided });
      // Forced to the CPU EP whatever the backend.
      const cpu = await HubTextEncoder.fromPretrained(path.join(models, 'tiny-roberta'), { ep: 'cpu' });
      expect(create.mock.calls[1][1]).toMatchObject({ executionProviders: ['cpu'] });
      expect(cpu.placement).toMatchObject({ device: 'cpu', requested: { requestedBy: 'option' } });
      enc.dispose();
      cpu.dispose();
    } finally {
      create.mockRestore();
    }
  });

  it('a hub id that is not available offline fails with a message saying so', async () => {
    await expect(HubTextEncoder.fromPretrained('FacebookAI/roberta-base-not-here')).rejects.toThrow(/could not be loaded \(offline: give a local model folder/);
    await expect(HubImageEncoder.fromPretrained(dir)).rejects.toThrow('not a model folder (no config.json)');
  });

  it('MAVEN extractor set with hub encoders: visual, audio and text streams from the models', async () => {
    const ex = await PipelineExtractor.create(FRAME_PLAN, {
      faces: 'none',
      visualEncoder: path.join(models, 'tiny-swin'),
      audioEncoder: path.join(models, 'tiny-hubert'),
      textEncoder: path.join(models, 'tiny-roberta'),
    });
    expect(ex.streams.map((s) => [s.name, s.dim])).toEqual([
      ['visual', 8],
      ['audio', 8],
      ['text', 8],
    ]);
    expect(ex.describe()[0]).not.toContain('offline default');
    const clip = generateTestClip(path.join(dir, 'talk.mp4'), { seconds: 1, fps: 10 });
    const transcript = path.join(dir, 'talk.txt');
    fs.writeFileSync(transcript, '[0.2s - 0.6s] hello there\n');
    const item = await ex.extract(clip, { transcript });
    expect(item.frames).toBe(10);
    expect(item.streams['visual'].mask.every((m) => m === 1)).toBe(true);
    expect(Array.from(item.streams['text'].mask)).toEqual([0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(item.streams['audio'].data.length).toBe(10 * 8);
    ex.dispose();
  });
});
