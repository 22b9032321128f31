import { BackendInfo, describeAdapter, initBackend } from '@mer/backend';
import { describeOnnxExecution, onnxExecution, OnnxExecutionOptions } from './onnx-execution';

const WEBGPU_EPS = [{ name: 'webgpu', preferredLayout: 'NCHW' }, 'cpu'];
const nvidia = describeAdapter({ vendor: 'nvidia', architecture: 'ampere', device: 'NVIDIA GeForce RTX 3090', description: 'NVIDIA: 535.104.05' });
const swiftshader = describeAdapter({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0' });
const llvmpipe = describeAdapter({ vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: '' });
const backend = (name: BackendInfo['name'], adapter?: BackendInfo['adapter']) => ({ name, adapter });
const noEnv = { env: {} };

describe('onnxExecution: ONNX models follow the tensor backend', () => {
  it.each<[string, OnnxExecutionOptions['backend'], 'webgpu' | 'cpu', string]>([
    ['webgpu on a hardware adapter', backend('webgpu', nvidia), 'webgpu', 'the webgpu backend on nvidia ampere (NVIDIA GeForce RTX 3090, NVIDIA: 535.104.05)'],
    ['webgpu on SwiftShader', backend('webgpu', swiftshader), 'cpu', 'the webgpu backend on a software adapter, slower than the CPU EP'],
    ['webgpu on llvmpipe', backend('webgpu', llvmpipe), 'cpu', 'the webgpu backend on a software adapter, slower than the CPU EP'],
    ['webgpu with no adapter named', backend('webgpu'), 'cpu', 'the webgpu backend on an adapter it did not name'],
    ['tensorflow (tfjs-node-gpu: ORT-node has no CUDA EP bundled)', backend('tensorflow'), 'cpu', 'the tensorflow backend'],
    ['wasm', backend('wasm'), 'cpu', 'the wasm backend'],
    ['cpu', backend('cpu'), 'cpu', 'the cpu backend'],
    ['no backend initialised', null, 'cpu', 'no tensor backend initialised'],
  ])('%s', (_, b, device, reason) => {
    const e = onnxExecution({ backend: b, ...noEnv });
    expect(e).toEqual({ device, executionProviders: device === 'webgpu' ? WEBGPU_EPS : ['cpu'], requestedBy: 'backend', reason });
  });

  it('the ep option, else MER_ONNX_EP, overrides the backend (the WebGPU EP on SwiftShader for checks)', () => {
    const sw = backend('webgpu', swiftshader);
    expect(onnxExecution({ backend: sw, env: { MER_ONNX_EP: 'webgpu' } })).toEqual({ device: 'webgpu', executionProviders: WEBGPU_EPS, requestedBy: 'MER_ONNX_EP', reason: 'MER_ONNX_EP=webgpu' });
    expect(onnxExecution({ backend: backend('webgpu', nvidia), env: { MER_ONNX_EP: ' cpu ' } })).toMatchObject({ device: 'cpu', executionProviders: ['cpu'], requestedBy: 'MER_ONNX_EP' });
    expect(onnxExecution({ backend: backend('wasm'), ep: 'webgpu', env: { MER_ONNX_EP: 'cpu' } })).toMatchObject({ device: 'webgpu', requestedBy: 'option', reason: 'asked for webgpu' });
    expect(onnxExecution({ backend: sw, ep: 'auto', env: { MER_ONNX_EP: 'auto' } })).toMatchObject({ device: 'cpu', requestedBy: 'backend' });
    expect(onnxExecution({ backend: sw, env: { MER_ONNX_EP: '' } })).toMatchObject({ device: 'cpu', requestedBy: 'backend' });
    expect(() => onnxExecution({ backend: sw, env: { MER_ONNX_EP: 'cuda' } })).toThrow('MER_ONNX_EP="cuda": expected cpu, webgpu or auto');
  });

  it('by default follows the backend initBackend chose', async () => {
    await initBackend({ backend: 'wasm' });
    expect(onnxExecution(noEnv)).toEqual({ device: 'cpu', executionProviders: ['cpu'], requestedBy: 'backend', reason: 'the wasm backend' });
  });

  it('says where in one line', () => {
    expect(describeOnnxExecution(onnxExecution({ backend: backend('webgpu', nvidia), ...noEnv }))).toBe('webgpu EP (then CPU): the webgpu backend on nvidia ampere (NVIDIA GeForce RTX 3090, NVIDIA: 535.104.05)');
    expect(describeOnnxExecution(onnxExecution({ backend: backend('wasm'), ...noEnv }))).toBe('CPU EP: the wasm backend');
  });
});
