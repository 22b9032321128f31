import { ADAPTER_PROBE_ENV, adapterLine, autoTakesAdapter, describeAdapter, probeAdapter } from './webgpu-adapter';

describe('WebGPU adapters: what auto takes', () => {
  it('marks software adapters (SwiftShader, lavapipe/llvmpipe, WARP, a fallback adapter) and not hardware ones', () => {
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0' }).software).toBe(true);
    expect(describeAdapter({ vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: '' }).software).toBe(true);
    expect(describeAdapter({ vendor: 'microsoft', architecture: '', device: 'Microsoft Basic Render Driver', description: '' }).software).toBe(true);
    expect(describeAdapter({ vendor: 'intel', architecture: 'gen-12lp', device: '', description: '' }, true).software).toBe(true);
    const nvidia = describeAdapter({ vendor: 'nvidia', architecture: 'ampere', device: 'NVIDIA GeForce RTX 3090', description: 'NVIDIA: 535.104.05' });
    expect(nvidia.software).toBe(false);
    expect(adapterLine(nvidia)).toBe('nvidia ampere (NVIDIA GeForce RTX 3090, NVIDIA: 535.104.05)');
  });

  it('auto takes a hardware adapter, passes a software one by with the reason, and passes on why there is none', () => {
    const hw = { adapter: describeAdapter({ vendor: 'apple', architecture: 'metal-3', device: '', description: 'Apple M2' }) };
    expect(autoTakesAdapter(hw)).toBe(hw);
    const sw = { adapter: describeAdapter({ vendor: 'google', architecture: 'swiftshader' }) };
    expect(autoTakesAdapter(sw)).toEqual({ reason: 'only a software adapter, google swiftshader, software: slower than wasm, so auto passes it by (MER_BACKEND=webgpu takes it)' });
    expect(autoTakesAdapter({ reason: 'no Vulkan loader' })).toEqual({ reason: 'no Vulkan loader' });
  });

  it('a probe handed down through MER_WEBGPU_PROBE is used as is (no second Dawn probe in child processes)', async () => {
    const probe = { adapter: describeAdapter({ vendor: 'amd', architecture: 'rdna-3' }) };
    await expect(probeAdapter({ [ADAPTER_PROBE_ENV]: JSON.stringify(probe) })).resolves.toEqual(probe);
  });

  it('probes this machine in a child process and says what it found, or why nothing', async () => {
    const probe = await probeAdapter({});
    if ('adapter' in probe) expect(adapterLine(probe.adapter)).toMatch(/\w/);
    else expect(probe.reason).toMatch(/Vulkan|adapter|webgpu|Dawn/);
    expect(JSON.parse(process.env[ADAPTER_PROBE_ENV]!)).toEqual(probe);
  });
});
