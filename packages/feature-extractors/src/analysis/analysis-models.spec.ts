import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { decodeAudio } from '@mer/media';
import { EXPRESSION_CLASSES, ExpressionClassifier } from './expression-classifier';
import { SpeechDetector } from './speech-detector';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('shipped analysis models', () => {
  it('the expression classifier gives 7 probabilities per crop', async () => {
    const c = await ExpressionClassifier.load();
    const crops = tf.randomUniform([3, 64, 64, 3], 0, 255, 'float32', 3) as tf.Tensor4D;
    const p = await c.classify(crops);
    expect(p.shape).toEqual([3, EXPRESSION_CLASSES.length]);
    const v = (await p.data()) as Float32Array;
    for (let i = 0; i < 3; i++) expect(v.slice(i * 7, i * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    tf.dispose([crops, p]);
    c.dispose();
  });

  it('voice activity: silence is not speech; per-frame averaging over 32 ms windows', async () => {
    const d = await SpeechDetector.load();
    expect(d.placement).toMatchObject({ model: 'Silero VAD', device: 'cpu', requested: { reason: 'the wasm backend' } }); // ONNX follows the backend
    const silence = await d.probabilities(new Float32Array(16000));
    expect(silence).toHaveLength(32);
    expect(Math.max(...silence)).toBeLessThan(0.1);
    // Frame 0 spans windows 0–1 (0–64 ms), frame 1 (50–100 ms) windows 1–3.
    const perFrame = SpeechDetector.perFrame(Float32Array.from([0, 1, 1, 0]), [0, 0.05], 20);
    expect(perFrame[0]).toBeCloseTo(0.5, 6);
    expect(perFrame[1]).toBeCloseTo(2 / 3, 6);
    // Real speech, where ../shared/data exists: the talking clip is speech nearly throughout.
    const clip = path.resolve(__dirname, '../../../../../shared/data/clips/talking-utterance.mp4');
    if (fs.existsSync(clip)) {
      const p = await d.probabilities((await decodeAudio(clip, { sampleRate: 16000 })).samples);
      expect(p.filter((x) => x > 0.5).length / p.length).toBeGreaterThan(0.8);
    }
    await d.dispose();
  });
});
