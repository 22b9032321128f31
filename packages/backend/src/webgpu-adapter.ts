import type * as ChildProcess from 'node:child_process';
import type * as Fs from 'node:fs';
import type * as Path from 'node:path';

/**
 * Node's built-ins, reached at run time (`process.getBuiltinModule`, Node ≥ 20.16) so that this
 * package still bundles for a browser, where `navigator.gpu` is the browser's own and none is needed.
 */
function node(): { fs: typeof Fs; path: typeof Path; spawnSync: typeof ChildProcess.spawnSync } | undefined {
  const get = typeof process !== 'undefined' ? (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule : undefined;
  if (!get) return undefined;
  return { fs: get('node:fs') as typeof Fs, path: get('node:path') as typeof Path, spawnSync: (get('node:child_process') as typeof ChildProcess).spawnSync };
}

/** The WebGPU adapter Dawn (Node) or the browser offers, as `mer info` prints it. */
export interface GpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /**
   * A software rasteriser (SwiftShader, llvmpipe/lavapipe, WARP) or an adapter that says it is a
   * fallback: correct, but slower than wasm, so `auto` never takes it.
   */
  software: boolean;
}

/** An adapter, or why there is none. */
export type AdapterProbe = { adapter: GpuAdapter } | { reason: string };

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** Reads a GPUAdapter's info into plain fields; `isFallbackAdapter` (or a software name) marks it software. */
export function describeAdapter(info: AdapterInfoLike, isFallbackAdapter = false): GpuAdapter {
  const a = { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' };
  const software = isFallbackAdapter || Boolean(info.isFallbackAdapter) || SOFTWARE.test(`${a.vendor} ${a.architecture} ${a.device} ${a.description}`);
  return { ...a, software };
}

/** `nvidia ampere (NVIDIA GeForce RTX 3090, driver …)`; software adapters say so. */
export function adapterLine(a: GpuAdapter): string {
  const name = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const detail = [a.device, a.description].filter(Boolean).join(', ');
  return `${name}${detail ? ` (${detail})` : ''}${a.software ? ', software' : ''}`;
}

/** The `dawn.node` of the npm `webgpu` package for this platform, or why it cannot be used. */
export function dawnNodePath(): { file: string } | { reason: string } {
  const n = node();
  if (!n) return { reason: 'not Node.js (≥ 20.16): no Dawn to load' };
  const { fs, path } = n;
  let dir: string;
  try {
    dir = path.dirname(require.resolve('webgpu/package.json'));
  } catch {
    return { reason: "the npm package 'webgpu' (Dawn) is not installed" };
  }
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const file = path.join(dir, 'dist', `${process.platform}-${arch}`, 'dawn.node');
  return fs.existsSync(file) ? { file } : { reason: `the npm package 'webgpu' has no Dawn build for ${process.platform}-${arch}` };
}

/** Linux: Dawn's Vulkan backend needs the Vulkan loader; without it Dawn only prints a warning. */
function vulkanLoaderMissing(): string | undefined {
  const n = node();
  if (!n || process.platform !== 'linux') return undefined;
  const { fs, path } = n;
  const dirs = [...(process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/lib64', '/usr/local/lib'];
  return dirs.some((d) => fs.existsSync(path.join(d, 'libvulkan.so.1'))) ? undefined : 'no Vulkan loader (libvulkan.so.1): install one and a Vulkan driver (Debian/Ubuntu: libvulkan1 and the GPU vendor\'s driver)';
}

let installed: unknown;

/**
 * Gives this process a `navigator.gpu`: the browser's own, else Dawn from the npm `webgpu` package
 * (its WebGPU globals and `navigator.gpu = create([])`, as tfjs-backend-webgpu expects). Loads the
 * platform's `dawn.node` directly (the package's entry is an ES module, which jest cannot load).
 */
export function installNavigatorGpu(): { ok: true } | { reason: string } {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return { ok: true };
  const missing = vulkanLoaderMissing();
  if (missing) return { reason: missing };
  const dawn = dawnNodePath();
  if ('reason' in dawn) return dawn;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { create, globals } = require(dawn.file) as { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
  Object.assign(globalThis, globals);
  installed ??= create([]);
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: installed, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: installed }, configurable: true, writable: true });
  return { ok: true };
}

/** Asks this process's `navigator.gpu` for its high-performance adapter. */
export async function probeAdapterInProcess(): Promise<AdapterProbe> {
  const ready = installNavigatorGpu();
  if ('reason' in ready) return ready;
  const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(o?: object): Promise<{ info: AdapterInfoLike; isFallbackAdapter?: boolean } | null> } } }).navigator.gpu;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { reason: 'Dawn found no WebGPU adapter (no Vulkan/Metal/D3D12 driver it can use)' };
  return { adapter: describeAdapter(adapter.info, adapter.isFallbackAdapter) };
}

/**
 * Whether `auto` takes webgpu on what the probe found: a hardware adapter only. SwiftShader and
 * other software adapters are correct but slower than wasm; they are used when webgpu is asked for
 * by name.
 */
export function autoTakesAdapter(probe: AdapterProbe): { adapter: GpuAdapter } | { reason: string } {
  if ('reason' in probe) return probe;
  if (probe.adapter.software) return { reason: `only a software adapter, ${adapterLine(probe.adapter)}: slower than wasm, so auto passes it by (MER_BACKEND=webgpu takes it)` };
  return probe;
}

/** Carries one process's probe to the processes it starts (face-track workers, shards). */
export const ADAPTER_PROBE_ENV = 'MER_WEBGPU_PROBE';

/**
 * What `auto` needs to know before it loads Dawn into this process: is there a hardware adapter?
 * Asked in a short child process, so a machine without a usable driver keeps Dawn's warnings (it
 * writes them straight to stderr) out of the user's output and pays nothing else; the answer is
 * passed on to child processes through `MER_WEBGPU_PROBE`. In a browser, asked directly.
 */
export async function probeAdapter(env: Record<string, string | undefined> = process.env): Promise<AdapterProbe> {
  const cached = env[ADAPTER_PROBE_ENV];
  if (cached) {
    try {
      return JSON.parse(cached) as AdapterProbe;
    } catch {
      // A foreign value: probe again.
    }
  }
  if (typeof process === 'undefined' || (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return probeAdapterInProcess();
  const missing = vulkanLoaderMissing();
  const dawn = dawnNodePath();
  let result: AdapterProbe;
  if (missing) result = { reason: missing };
  else if ('reason' in dawn) result = dawn;
  else {
    const script = `const {create,globals}=require(${JSON.stringify(dawn.file)});Object.assign(globalThis,globals);create([]).requestAdapter({powerPreference:'high-performance'}).then((a)=>{const i=a&&a.info;process.stdout.write(JSON.stringify(a?{vendor:i.vendor,architecture:i.architecture,device:i.device,description:i.description,isFallbackAdapter:Boolean(i.isFallbackAdapter||a.isFallbackAdapter)}:null));process.exit(0)},(e)=>{process.stderr.write(String(e));process.exit(1)})`;
    const r = node()!.spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, [ADAPTER_PROBE_ENV]: '' } });
    const lines = (r.stderr ?? '').split('\n').map((l) => l.trim());
    const warning = lines.find((l) => /^warning/i.test(l)) ?? lines.find((l) => /error/i.test(l));
    if (r.status !== 0 || !r.stdout) result = { reason: `Dawn's adapter probe failed${r.error ? `: ${r.error.message}` : warning ? `: ${warning}` : ` (exit ${r.status})`}` };
    else {
      const info = JSON.parse(r.stdout) as AdapterInfoLike | null;
      result = info ? { adapter: describeAdapter(info) } : { reason: `Dawn found no WebGPU adapter${warning ? ` (${warning})` : ''}` };
    }
  }
  if (typeof process !== 'undefined') process.env[ADAPTER_PROBE_ENV] = JSON.stringify(result);
  return result;
}
